/**
 * tasker-ffi-parity: one TypeScript contract (`TaskerFfi`) over two bridges to one Rust core.
 *
 * ```ts
 * import { loadBackend, TaskerClient, WorkerServer } from 'tasker-ffi-parity';
 * const ffi = loadBackend();                  // napi unless { backend: 'koffi' } or TASKER_FFI_BACKEND
 * ```
 */
export * from './contract.js';
export { ERROR_CODES, isTaskerErrorCode, TaskerClientError, TaskerError, type TaskerErrorCode } from './errors.js';
export {
  BACKEND_ENV,
  chooseBackend,
  DEFAULT_BACKEND,
  isBackendName,
  loadBackend,
  loadBackends,
  type BackendChoice,
  type LoadBackendOptions,
} from './select.js';
export { BackendUnavailableError, BUILD_COMMAND, LIBRARY_ENV } from './backends/locate.js';
export { KoffiBackend, type KoffiBackendOptions } from './backends/koffi.js';
export { NapiBackend, type NapiBackendOptions } from './backends/napi.js';
export { TaskerClient, type CreateTaskOptions } from './client.js';
export {
  defineStepHandler,
  isStepOutcome,
  stepCheckpoint,
  stepFailure,
  StepHandlerError,
  stepSuccess,
  toExecutionResult,
  WorkerServer,
  type CheckpointProgress,
  type RunUntilIdleOptions,
  type StepCheckpoint,
  type StepFailure,
  type StepFailureDetails,
  type StepHandler,
  type StepHandlerContext,
  type StepHandlerResult,
  type StepOutcome,
  type StepSuccess,
  type WorkerServerOptions,
  type WorkerStats,
} from './worker.js';
