/** "1:0", "ffff:0", "root": how tc prints handles and parents. */
export function formatHandle(h: number): string {
  if (h === 0xffffffff) return 'root';
  return `${(h >>> 16).toString(16)}:${(h & 0xffff).toString(16)}`;
}
