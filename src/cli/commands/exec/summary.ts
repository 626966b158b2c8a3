/** Human-readable text for `cni exec` results and network listings. */
import type { Result } from '../../../spec/types.js';
import type { NetworkFileEntry } from '../../../runtime/index.js';

export function formatResultSummary(r: Result): string {
  const lines: string[] = [];
  const ifaces = r.interfaces ?? [];
  if (ifaces.length) {
    lines.push('interfaces:');
    ifaces.forEach((i, n) => {
      const extra = [i.mac, i.mtu ? `mtu ${i.mtu}` : '', i.sandbox ? `in ${i.sandbox}` : '', i.socketPath ? `socket ${i.socketPath}` : '', i.pciID ? `pci ${i.pciID}` : '']
        .filter(Boolean).join(', ');
      lines.push(`  [${n}] ${i.name || '(unnamed)'}${extra ? `  ${extra}` : ''}`);
    });
  }
  if (r.ips?.length) {
    lines.push('addresses:');
    for (const ip of r.ips) {
      const on = ip.interface !== undefined && ip.interface >= 0 ? ` on ${ifaces[ip.interface]?.name ?? `interface ${ip.interface}`}` : '';
      lines.push(`  ${ip.address}${ip.gateway ? ` gateway ${ip.gateway}` : ''}${on}`);
    }
  }
  if (r.routes?.length) {
    lines.push('routes:');
    for (const rt of r.routes) {
      const extra = [
        rt.gw ? `via ${rt.gw}` : '', rt.mtu ? `mtu ${rt.mtu}` : '', rt.advmss ? `advmss ${rt.advmss}` : '',
        rt.priority ? `metric ${rt.priority}` : '', rt.table !== undefined ? `table ${rt.table}` : '', rt.scope !== undefined ? `scope ${rt.scope}` : '',
      ].filter(Boolean).join(' ');
      lines.push(`  ${rt.dst}${extra ? ` ${extra}` : ''}`);
    }
  }
  const dns = r.dns ?? {};
  const dnsLines = [
    dns.nameservers?.length ? `  nameservers: ${dns.nameservers.join(', ')}` : '',
    dns.domain ? `  domain: ${dns.domain}` : '',
    dns.search?.length ? `  search: ${dns.search.join(', ')}` : '',
    dns.options?.length ? `  options: ${dns.options.join(', ')}` : '',
  ].filter(Boolean);
  if (dnsLines.length) lines.push('dns:', ...dnsLines);
  if (lines.length === 0) lines.push('(empty result)');
  return `${lines.join('\n')}\n`;
}

export function formatNetworkTable(entries: readonly NetworkFileEntry[]): string {
  const rows = entries.filter((e) => e.network).map((e) => ({
    name: e.network!.name,
    version: e.network!.cniVersion || '(none)',
    plugins: e.network!.plugins.map((p) => p.network.type).join(','),
    file: e.shadowedBy ? `${e.file} (unused: ${e.shadowedBy} defines it first)` : e.file,
  }));
  const lines: string[] = [];
  if (rows.length) {
    const w = (k: 'name' | 'version' | 'plugins', title: string) => Math.max(title.length, ...rows.map((r) => r[k].length));
    const [wn, wv, wp] = [w('name', 'NETWORK'), w('version', 'VERSION'), w('plugins', 'PLUGINS')];
    lines.push(`${'NETWORK'.padEnd(wn)}  ${'VERSION'.padEnd(wv)}  ${'PLUGINS'.padEnd(wp)}  FILE`);
    for (const r of rows) lines.push(`${r.name.padEnd(wn)}  ${r.version.padEnd(wv)}  ${r.plugins.padEnd(wp)}  ${r.file}`);
  }
  const broken = entries.filter((e) => e.error);
  if (broken.length) {
    if (lines.length) lines.push('');
    lines.push('not loadable:');
    for (const e of broken) lines.push(`  ${e.error!.message}`);
  }
  return lines.length ? `${lines.join('\n')}\n` : '';
}

/** `cni exec list --json`: one object per file. */
export function networkEntriesJson(entries: readonly NetworkFileEntry[]): unknown[] {
  return entries.map((e) => ({
    file: e.file,
    ...(e.network ? {
      name: e.network.name,
      cniVersion: e.network.cniVersion,
      plugins: e.network.plugins.map((p) => p.network.type),
      disableCheck: e.network.disableCheck,
      disableGC: e.network.disableGC,
    } : {}),
    ...(e.error ? { error: e.error.message } : {}),
    ...(e.shadowedBy ? { shadowedBy: e.shadowedBy } : {}),
  }));
}
