/**
 * `npm start` (local/src/cli.ts): first, on Linux, the process replaces itself (execve, same pid) with one
 * whose C allocator keeps at most MALLOC_ARENA_MAX (2) arenas. glibc gives each thread that allocates
 * concurrently an arena of its own, up to 8 per core, and what a burst frees in them is rarely given
 * back; the runtime runs a thread per Lambda environment. The load bench's burst of 2,000 creates left
 * the runtime at 718 MB with two arenas against 824 MB with glibc's default (one machine, back to back).
 * The variable is read when the process starts, hence the exec; one set by the caller is kept.
 */
import { setFlagsFromString } from 'node:v8';

if (
  process.platform === 'linux' &&
  process.env.MALLOC_ARENA_MAX === undefined &&
  typeof process.execve === 'function'
) {
  process.execve(process.execPath, [process.execPath, ...process.execArgv, ...process.argv.slice(1)], {
    ...process.env,
    MALLOC_ARENA_MAX: '2',
  });
}
// Every heap of the process (the main thread's and each environment's) grows to 1.3 times what survived
// its last full collection before the next (LOCAL_HEAP_GROWING_PERCENT, 0 for V8's own), where V8 lets a
// large heap grow up to 4 times: the main thread held 128-137 MB of old generation after a burst, of which
// a heap snapshot found 35 MB alive. After the load bench's burst, one run after the other on one machine:
// 566 MB at 50 % against 613 MB with V8's own, at the same CPU per create (17.8 and 16.8 ms, within the
// runs' spread); 571 MB at 30 % with 2 MB young generations against 588 MB at 50 % with 3 MB.
const growing = Number(process.env.LOCAL_HEAP_GROWING_PERCENT ?? 30);
if (growing > 0) setFlagsFromString(`--heap-growing-percent=${growing}`);
await import('./cli.js');
