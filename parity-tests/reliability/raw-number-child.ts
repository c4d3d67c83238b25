/**
 * Demonstrates why the koffi adapter checks every argument: passing the JS number 42 to a raw
 * koffi declaration of `client_get_task(const char *)` makes koffi pass address 42 to Rust, which
 * reads it as a C string and the process dies (SIGSEGV). Run only in a child process.
 */
import koffi from 'koffi';

import { childMain } from '../../scripts/lib/child-process.js';

childMain(({ libraryPath }: { libraryPath: string }) => {
  const lib = koffi.load(libraryPath);
  const getTask = lib.func('void *client_get_task(const char *task_uuid)') as (id: unknown) => unknown;
  getTask(42);
  return 'returned';
});
