// Entry point behind bin/tuplet: registers tsx so the CLI runs from TypeScript sources.
import { register } from 'tsx/esm/api';

register();
await import('../cli/main.ts');
