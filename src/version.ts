declare const __CNI_BUILD_VERSION__: string | undefined;
/** Binary version, injected by build.ts; "dev" when running from source. */
export const BINARY_VERSION: string = typeof __CNI_BUILD_VERSION__ === 'string' ? __CNI_BUILD_VERSION__ : 'dev';
