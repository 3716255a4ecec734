#!/usr/bin/env node
// The `s2cap` command. Runs the TypeScript CLI straight from src/ through tsx, so a fresh
// checkout needs no build step after `npm install`.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/index.ts');
