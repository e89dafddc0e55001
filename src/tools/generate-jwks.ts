/** Prints a new private JWKS (one ES256 and one RS256 key) for JWKS_FILE: `npm run -s keys > jwks.json`. */
import { generateJwks } from '../config/keys.js';

process.stdout.write(`${JSON.stringify(await generateJwks(), null, 2)}\n`);
