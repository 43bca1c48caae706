// Encryption at rest for everything that keeps face photos on disk: the envelope (envelope.ts), one sealed file
// (files.ts: sealFile / openFile), and the CLI's key (key-file.ts). The app's key lives in electron/main.
export * from './envelope';
export * from './files';
export * from './key-file';
export * from './sealed-folder';
