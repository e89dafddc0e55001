/** `siwe-idp --help`: the command-line tool's usage. */
export const USAGE = `siwe-idp: manage a siwe-idp deployment's clients and signing keys, and check its configuration.
It reads the same environment as the server (REDIS_URL, CLIENTS_FILE, JWKS_FILE, ...).

Usage: npx siwe-idp <command> [options]

Clients
  clients list                      every client: CLIENTS_FILE's, and those in the store (REDIS_URL)
  clients show <client_id>          one client's metadata (--show-secret to print its secret)
  clients add <client_id> --redirect-uri <uri> | --device [options]
                                    add a client to the server's store (needs REDIS_URL), or with
                                    --file <path> to a clients file (restart the server to load it)
      --name <text>                 client_name, shown on the sign-in page
      --redirect-uri <uri>          repeatable; matched exactly
      --post-logout-redirect-uri <uri>   repeatable
      --backchannel-logout-uri <uri>
      --auth-method <method>        client_secret_basic (default), client_secret_post, client_secret_jwt,
                                    private_key_jwt (with --jwks-uri or "jwks" in --metadata) or none
      --public                      same as --auth-method none (PKCE required)
      --secret-file <path>          the client secret: the file's content, trimmed
      --secret-stdin                the client secret: standard input (one line from a terminal), trimmed
                                    default: a random one, printed once. Never on the command line
                                    (--secret is refused): ps and shell history would show it
      --response-type <type>        repeatable: code (default), id_token, "code id_token"
      --refresh-tokens              allow the refresh_token grant (offline_access)
      --device                      allow the device authorization grant (RFC 8628: command-line tools,
                                    TVs); without --redirect-uri a device-only client. Usually --public
      --scope "<scopes>"            the scopes the client may ask for, e.g. "openid ethereum"
      --first-party                 no consent screen for this client
      --resource-server             may introspect any client's access tokens (an API); not with --public
      --token-gates '<json>'        token_gates: a JSON array of gates (see the README, "Token gates and
                                    groups"); each gate's chain needs its RPC in RPC_URLS
      --logo-uri, --client-uri, --policy-uri, --tos-uri <uri>   branding on the sign-in page
      --id-token-alg <alg>          ES256 (default) or RS256
      --jwks-uri <uri>              the client's keys, for private_key_jwt
      --metadata '<json>'           any other client metadata (RFC 7591 names, not client_secret);
                                    the options above win
      --json                        print the stored metadata as JSON
  clients remove <client_id>        remove from the store, or with --file <path> from a clients file

Signing keys (a JWKS file: JWKS_FILE, or --file <path>)
  keys generate [--out <path>] [--force]
                                    a new key set: per algorithm (ES256, RS256) a current key and the
                                    next one, already published. --out writes it, mode 0600 (--force
                                    replaces an existing file); without --out it is printed, and a file
                                    stdout is redirected to becomes 0600 first
  keys rotate [--file <path>]       promote the next keys, retire the current ones (published until every
                                    token they signed has expired), publish new next keys, drop expired
                                    retired keys; then restart the server
  keys list [--file <path>]         the keys and their state

Configuration
  config check                      validate the environment and the files it names; exit code 1 and
                                    every problem listed when something is wrong

  -h, --help                        this text
`;
