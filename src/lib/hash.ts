/**
 * SHA-2 hex digests for names and comments (iptables chain names, nft comments, owner tags).
 * @noble/hashes instead of node:crypto: loading node:crypto (and the streams it pulls in) costs
 * ~5 ms of a plugin start; hashing a few short strings in JS costs microseconds.
 */
import { sha256, sha512 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';

export const sha512Hex = (text: string): string => bytesToHex(sha512(utf8ToBytes(text)));
export const sha256Hex = (text: string): string => bytesToHex(sha256(utf8ToBytes(text)));
