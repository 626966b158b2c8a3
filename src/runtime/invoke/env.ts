/** The environment a plugin runs with (pkg/invoke Args.AsEnv). */

export type Verb = 'ADD' | 'CHECK' | 'DEL' | 'GC' | 'STATUS' | 'VERSION';

export interface InvokeArgs {
  command: Verb;
  containerId: string;
  netns: string;
  ifName: string;
  /** CNI_ARGS pairs, joined as K=V;K2=V2. */
  pluginArgs?: readonly (readonly [string, string])[];
  /** CNI_PATH, already joined with ':'. */
  path: string;
}

export type Env = Record<string, string | undefined>;

/** The inherited environment with every CNI_* variable set (empty ones included, as libcni does). */
export function pluginEnv(base: Env, args: InvokeArgs): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(base)) if (v !== undefined) env[k] = v;
  env.CNI_COMMAND = args.command;
  env.CNI_CONTAINERID = args.containerId;
  env.CNI_NETNS = args.netns;
  env.CNI_ARGS = (args.pluginArgs ?? []).map(([k, v]) => `${k}=${v}`).join(';');
  env.CNI_IFNAME = args.ifName;
  env.CNI_PATH = args.path;
  return env;
}
