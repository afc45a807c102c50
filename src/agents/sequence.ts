// Arrival order for rows whose timestamps can tie (two users joining in the same millisecond, a
// test clock standing still): wall-clock microseconds, strictly increasing within the process.
// Across processes it follows real time, which is the order that matters (a restart is seconds).
// A double holds it exactly: ~1.8e15 < 2^53.
let last = 0;

export function nextSeq(): number {
  last = Math.max(last + 1, Date.now() * 1000);
  return last;
}
