export type IpMasqBackend = 'nftables' | 'iptables';
export const IPMASQ_BACKENDS: readonly IpMasqBackend[] = ['nftables', 'iptables'];

/** One container attachment: what the rules are named and commented after. */
export interface IpMasqAttachment {
  /** The network name (conf.name). */
  network: string;
  ifName: string;
  containerId: string;
}

export interface IpMasqRequest extends IpMasqAttachment {
  /** The config's ipMasqBackend; absent: nftables, or iptables where nf_tables is not usable. */
  backend?: string;
  /** The container's addresses, host address with the subnet's prefix ("10.1.0.5/24"). */
  ips: readonly { address: string }[];
}

/** A valid attachment as GC receives it in cni.dev/valid-attachments. */
export interface ValidAttachment {
  containerID: string;
  ifname: string;
}
