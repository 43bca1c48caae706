// Types for scripts/start.mjs (plain Node so it runs before any install), for its unit tests.
export interface RunEnd {
  code: number | null;
  signal: NodeJS.Signals | null;
  error?: Error;
}
export interface InstallState {
  lockText: string;
  stamp: string | null;
  installedText: string | null;
}
export interface World {
  readInstallState(): InstallState;
  writeStamp(hash: string): void;
  install(): Promise<RunEnd>;
  build(): Promise<RunEnd>;
  resolveElectron(): string | null;
  displayProblem(): string | null;
  launch(binary: string, args: string[]): Promise<RunEnd>;
  now(): number;
  log(line: string): void;
  error(line: string): void;
}
export const STAMP_FILE: string;
export const LAUNCH_WINDOW_MS: number;
export function lockHash(lockText: string): string;
export function installedMatchesLock(lock: unknown, installed: unknown): boolean;
export function installReason(state: InstallState): string | null;
export function findElectronBinary(env?: NodeJS.ProcessEnv): string | null;
export function resolveElectronWithDownload(): string;
export function resolveElectron(resolve: () => string | null): { path: string; problem?: undefined } | { path?: undefined; problem: string };
export function displayProblem(platform?: NodeJS.Platform, env?: NodeJS.ProcessEnv): string | null;
export function launchFailure(end: { code: number | null; signal: NodeJS.Signals | null; elapsedMs: number }): string | null;
export function cannotStartMessage(problem: string): string;
export const realWorld: World;
export function start(options?: { install?: boolean; electronArgs?: string[] }, world?: World): Promise<number>;
