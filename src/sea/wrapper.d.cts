export declare const WRAPPER_HEAD: string;
export declare const WRAPPER_TAIL: string;
export declare const SCRIPT_FILENAME: string;
