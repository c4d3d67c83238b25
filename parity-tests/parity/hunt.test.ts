/**
 * The divergence hunt: with the contract's conversion rules switched OFF (the minimal policy), send
 * edge values of every kind through every slot of both bridges until they disagree; shrink the
 * counterexample, note which kind of edge it is, take that kind out, and hunt again, until a round
 * finds nothing. Every divergence found must be a row of the conversion-policy table that the
 * contract resolves; then the same inputs, with the contract's policy back on, must agree.
 *
 * This is how the table was built, and it keeps it honest: a new kind of divergence (a new napi-rs
 * version, a new field) shows up here as an unclassified finding.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import type { JsonObject, StepEvent, TaskRequest } from '../../src/contract.js';
import { minimalJsonPolicy } from '../runner/minimal-policy.js';
import { policyRow } from '../runner/policy-table.js';
import type { HuntFinding } from '../runner/results.js';
import {
  jsonObject,
  stringWithLoneSurrogate,
  stringWithNul,
  TEMPLATES,
  validTaskRequest,
  VALUE_EDGE_IDS,
  VALUE_EDGES,
  embeddedEdge,
} from '../arbitraries/index.js';
import { show } from './support/compare.js';
import { both, ContractViolation, describeOutcome, Divergence, loadVariants, pairWithPolicy, probeState, reset, type Pair } from './support/lockstep.js';
import { recordMeta, runs, selected, settings } from './support/settings.js';

type JsonSlot = 'context' | 'options' | 'log fields' | 'step result';
type StringSlot = 'task id' | 'log message' | 'request reason' | 'list status filter';
const JSON_SLOTS: JsonSlot[] = ['context', 'options', 'log fields', 'step result'];
const ARGUMENT_SLOTS: StringSlot[] = ['task id', 'log message'];
const FIELD_SLOTS: StringSlot[] = ['request reason', 'list status filter'];

interface Probe {
  readonly kind: string;
  readonly slot: JsonSlot | StringSlot;
  readonly value: unknown;
}

/** Edge kinds the hunt draws from: every free-form edge (but the slow ones), and the string edges. */
const KINDS: Record<string, fc.Arbitrary<Probe>> = {};
for (const id of VALUE_EDGE_IDS) {
  if (id === 'many-keys' || id === 'long-string') continue;
  KINDS[id] = fc.tuple(fc.constantFrom(...JSON_SLOTS), embeddedEdge(id)).map(([slot, value]) => ({ kind: id, slot, value }));
}
KINDS['nul-in-argument'] = fc.tuple(fc.constantFrom(...ARGUMENT_SLOTS), stringWithNul).map(([slot, value]) => ({ kind: 'nul-in-argument', slot, value }));
KINDS['lone-surrogate-in-argument'] = fc.tuple(fc.constantFrom(...ARGUMENT_SLOTS), stringWithLoneSurrogate).map(([slot, value]) => ({ kind: 'lone-surrogate-in-argument', slot, value }));
KINDS['lone-surrogate-in-field'] = fc.tuple(fc.constantFrom(...FIELD_SLOTS), stringWithLoneSurrogate).map(([slot, value]) => ({ kind: 'lone-surrogate-in-field', slot, value }));
KINDS['nul-in-field'] = fc.tuple(fc.constantFrom(...FIELD_SLOTS), stringWithNul).map(([slot, value]) => ({ kind: 'nul-in-field', slot, value }));

const order = validTaskRequest(TEMPLATES[0]);

/** Sends the probe's value through its slot on both bridges, then compares everything observable. */
function send(target: Pair, { slot, value }: Probe): void {
  reset(target, { seed: 1 });
  switch (slot) {
    case 'context':
      both(target, `clientCreateTask({context: ${show(value)}})`, (ffi) => ffi.clientCreateTask({ ...order, context: value } as TaskRequest));
      break;
    case 'options':
      both(target, `clientCreateTask({options: ${show(value)}})`, (ffi) => ffi.clientCreateTask({ ...order, options: value } as TaskRequest));
      break;
    case 'log fields':
      both(target, `logInfo('m', ${show(value)})`, (ffi) => ffi.logInfo('m', value as JsonObject));
      break;
    case 'step result': {
      const polled = both(target, 'pollStepEvents()', (ffi) => {
        ffi.clientCreateTask(order);
        return ffi.pollStepEvents();
      });
      const event = (polled as { value: StepEvent }).value;
      both(target, `completeStepEvent(…, {result: ${show(value)}})`, (ffi) =>
        ffi.completeStepEvent(event.eventId, { stepUuid: event.stepUuid, success: true, result: value as JsonObject, status: 'completed', metadata: { executionTimeMs: 1, completedAt: '2026-01-01T00:00:05Z' } }),
      );
      // The result comes back in the next step's dependency results.
      both(target, 'pollStepEvents() (dependent)', (ffi) => ffi.pollStepEvents());
      break;
    }
    case 'task id':
      both(target, `clientGetTask(${show(value)})`, (ffi) => ffi.clientGetTask(value as string));
      break;
    case 'log message':
      both(target, `logWarn(${show(value)})`, (ffi) => ffi.logWarn(value as string));
      break;
    case 'request reason':
      both(target, `clientCreateTask({reason: ${show(value)}})`, (ffi) => ffi.clientCreateTask({ ...order, reason: value as string }));
      break;
    case 'list status filter':
      both(target, `clientListTasks({status: ${show(value)}})`, (ffi) => ffi.clientListTasks({ status: value as string }));
      break;
  }
  probeState(target, { audit: true });
}

const probeOf = (kinds: readonly string[]): fc.Arbitrary<Probe> => fc.oneof(...kinds.map((kind) => KINDS[kind] as fc.Arbitrary<Probe>));

describe('divergence hunt', () => {
  for (const { name, suffix, pair } of loadVariants()) {
  it.runIf(selected(`hunt${suffix}`))(
    `without the contract policy, ${name} and koffi diverge only where the conversion-policy table says, and every divergence has a rule [hunt${suffix}]`,
    () => {
      const numRuns = runs(3, 60);
      const findings: HuntFinding[] = [];
      let remaining = Object.keys(KINDS);
      let cleanRuns = 0;
      let rounds = 0;
      // The same libraries (and engines) without the contract's rules.
      const minimal = pairWithPolicy(minimalJsonPolicy);
      while (remaining.length > 0) {
        rounds += 1;
        const details = fc.check(
          fc.property(probeOf(remaining), (probe) => send(minimal, probe)),
          { seed: settings.seed + rounds, numRuns },
        );
        if (!details.failed) {
          cleanRuns = details.numRuns;
          break;
        }
        const probe = (details.counterexample as [Probe])[0];
        const error = details.errorInstance;
        const finding: HuntFinding = {
          row: probe.kind,
          call: error instanceof Divergence || error instanceof ContractViolation ? error.call : probe.slot,
          counterexample: `${probe.slot}: ${show(probe.value, 300)}`,
          at: error instanceof Divergence ? error.at : 'both threw something other than a TaskerError',
          napi: error instanceof Divergence ? error.focused().napi : error instanceof ContractViolation ? describeOutcome(error.outcome, 300) : String(error),
          koffi: error instanceof Divergence ? error.focused().koffi : error instanceof ContractViolation ? describeOutcome(error.outcome, 300) : String(error),
          seed: details.seed,
          path: details.counterexamplePath ?? '',
          shrinks: details.numShrinks,
        };
        findings.push(finding);
        remaining = remaining.filter((kind) => kind !== probe.kind);
      }
      recordMeta({ hunts: [{ variant: name, findings, cleanRuns, rounds }] });

      // Every divergence found is a documented row that the contract resolves.
      for (const finding of findings) {
        const row = policyRow(finding.row);
        expect(row.resolution, `${finding.row}: found ${finding.counterexample}\n napi: ${finding.napi}\n koffi: ${finding.koffi}`).not.toBe('accept');
      }
      // With the policy back on, the kinds that diverged agree (the contract resolves them).
      const resolved = fc.check(
        fc.property(probeOf(findings.map((f) => f.row).concat(remaining)), (probe) => send(pair, probe)),
        { seed: settings.seed, numRuns: numRuns * 2 },
      );
      expect(resolved.failed, resolved.failed ? fc.defaultReportMessage(resolved) ?? '' : '').toBe(false);
    },
    600_000,
  );
  }

  it.runIf(selected('hunt.guard'))('every free-form edge of the arbitraries module has a conversion-policy row [hunt.guard]', () => {
    // Guard: a new edge in VALUE_EDGES must get a policy row (or be a known slow, agreeing one).
    for (const id of VALUE_EDGE_IDS) expect(() => policyRow(id), id).not.toThrow();
    expect(VALUE_EDGES['deep-nesting'].contract).toBe('reject');
    expect(jsonObject()).toBeDefined();
  });
});
