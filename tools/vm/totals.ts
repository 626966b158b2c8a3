/** uvu's closing summary ("Total: N", "Passed: N") as pass/fail counts; undefined if absent. */
export interface Totals {
  passed: number;
  failed: number;
}

export function uvuTotals(output: string): Totals | undefined {
  const total = /Total:\s+(\d+)/.exec(output)?.[1];
  const passed = /Passed:\s+(\d+)/.exec(output)?.[1];
  if (total === undefined || passed === undefined) return undefined;
  return { passed: Number(passed), failed: Number(total) - Number(passed) };
}
