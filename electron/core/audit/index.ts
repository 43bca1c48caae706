// The audit log of face-data processing: append (log.ts), check and read (verify.ts), export as CSV (csv.ts).
export * from './entry';
export * from './log';
export * from './verify';
export * from './csv';
