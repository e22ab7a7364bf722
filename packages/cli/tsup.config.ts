import { bin, library } from '../../tsup.shared';

// The library entry (`run(argv)`), loadable with require and import; the bin, whose source
// (src/bin.ts) starts with its shebang, which esbuild keeps.
export default [library(), bin({ bin: 'src/bin.ts' })];
