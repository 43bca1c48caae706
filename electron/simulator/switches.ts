// The run-time switches a simulator starts with: every failure off, knobs from the options.
import type { SimulatorOptions, SimulatorSwitches } from './types';

export function defaultSwitches(opts: SimulatorOptions): SimulatorSwitches {
  return {
    badSecret: false,
    appNotInstalled: false,
    ipDenied: false,
    missingScopes: [],
    attendanceRangeDenied: false,
    contactRangeDenied: false,
    noFaceMode: 'omit',
    acceptPostForQuery: false,
    tokenInvalidHttp200: false,
    latencyMs: opts.latencyMs ?? 0,
    latencyJitterMs: opts.latencyJitterMs ?? 0,
    faultRate: opts.faultRate ?? 0,
    resetRate: opts.resetRate ?? 0,
    rateLimitPerSecond: opts.rateLimitPerSecond ?? 50,
    failingFaceKeys: new Set<string>(),
    contactPerMinute: opts.contactPerMinute ?? 1000,
    truncateRate: opts.truncateRate ?? 0,
    hangRate: opts.hangRate ?? 0,
    corruptRate: opts.corruptRate ?? 0,
    corruptFaceKeys: new Map<string, number>(),
    corruptMode: 'garble',
    attendanceTokenInvalidCode: 99991663,
    unknownUserMode: 'omit',
    outOfRangeUserIds: new Set<string>(),
    bigDeptForbidRecursion: false,
    echoCredentialsOn: new Set<string>(),
    tokenChurnMs: 0,
    refuseAllTokens: false,
    uploadMaxBytes: 5 * 1024 * 1024,
    uploadFormats: ['image/jpeg', 'image/png'],
    keepOldFaceKeyAfterModify: false,
    faceRejection: { fileNames: new Set<string>(), at: 'modify', status: 400, code: 1220001, msg: 'param is invalid: no face detected in the photo' },
  };
}
