/**
 * The process environment. Configuration is read in src/config/ only: every
 * other module gets its settings from a Config, or the environment from here.
 */
export function processEnv(): NodeJS.ProcessEnv {
  return process.env;
}
