/** The `--help` text: the same settings as the README's configuration table. */
export const HELP = `siwe-idp: an OpenID Connect provider whose login is Sign-In with Ethereum

Usage: npm start            (node dist/main.js)
       node dist/main.js --help

Environment:
  PORT             port to listen on                                  default 3000
  ISSUER           issuer URL (an origin); endpoints derive from it   default http://localhost:$PORT
                   the SIWE domain is its host, port included; every URL published or
                   accepted derives from it, never from Host or X-Forwarded-Host/-Proto;
                   https: makes cookies Secure and adds Strict-Transport-Security
  TRUST_PROXY      whose X-Forwarded-For names the client's address   default false
                   false: nobody's; N: the N proxies in front (true = 1), the
                   N-th entry from the right; or proxy addresses/CIDR ranges,
                   e.g. 10.0.0.0/8,192.0.2.7: read from the right past them
  SHUTDOWN_TIMEOUT seconds a stop (SIGTERM) may take                  default 10
                   /readyz answers 503 at once; new connections are served
                   for the first half, requests in flight until the end
  REDIS_URL        redis://… shared store for any number of instances default: in-memory, one process
  REDIS_SENTINELS  host:port,… of Redis Sentinels, instead of REDIS_URL: the master they name
                   REDIS_SENTINEL_NAME, followed through failovers; its credentials (if any) in
                   REDIS_USERNAME / REDIS_PASSWORD, the Sentinels' own in REDIS_SENTINEL_PASSWORD
  REDIS_CLUSTER_NODES
                   redis://[user:password@]host:port,… of a Redis Cluster, instead of REDIS_URL
  REDIS_WAIT_REPLICAS
                   replicas that must hold a used nonce or code (Redis WAIT)   default 1 with
                   before it is accepted; fewer connected: 503                 REDIS_SENTINELS, else 0
  MEMORY_STORE_MAX_ENTRIES
                   the in-memory store's cap: at it, new sign-ins get   default 100000
                   503 (never evicts); 100 or more
  RATE_LIMITS      abuse limits, <name>=<count>/<window>,… or off; a name left out keeps its default
                   per client address: auth (/auth), token (/token), login (sign-in attempts),
                   session_end (/session/end), registration (/reg), device (/device/auth),
                   user_code (the user-code page /device); address: failed sign-ins
                   per Ethereum address and client address; cross_device: cross-device sign-in
                   requests (QR code, waiting page, the phone's /sign/<handle>). Windows: second,
                   minute, hour, day
                   default auth=60/minute,token=600/minute,login=30/minute,
                           session_end=30/minute,registration=20/hour,device=30/minute,
                           user_code=30/minute,address=10/minute,cross_device=60/minute
  CROSS_DEVICE_MAX_WAITING
                   desktop pages waiting for a phone's signature      default 20
                   (open event streams) per client address, per instance; one more gets 429
  CLIENTS_FILE     JSON array of client metadata                      default: the dev client (development)
  JWKS_FILE        private JWKS (must include an EC P-256 key)        default: generated (development)
                   make and rotate one with: npx siwe-idp keys generate|rotate
  COOKIE_KEYS      comma-separated cookie signing secrets             default: generated (development)
  COOKIE_KEYS_FILE, REDIS_URL_FILE, REDIS_PASSWORD_FILE, REDIS_SENTINEL_PASSWORD_FILE,
  REDIS_CLUSTER_NODES_FILE, RPC_URLS_FILE, ENS_RPC_URL_FILE, REGISTRATION_INITIAL_ACCESS_TOKEN_FILE
                   read that secret from a file instead (Docker secrets: /run/secrets/…);
                   its trailing line break is trimmed; setting both NAME and NAME_FILE is refused
  CHAIN_IDS        EIP-155 chain ids a SIWE message may name          default 1
  RPC_URLS         <chainId>=<url>,… JSON-RPC endpoints: smart accounts   default none (EOAs only)
                   (ERC-1271, ERC-6492) may sign in on those chains
  RPC_TIMEOUT      ms one chain call (smart account, token gates) may take  default 3000
  ENS              on | off: the primary ENS name (and avatar) of the     default on
                   address for the profile scope and the login page; never blocks a sign-in
  ENS_RPC_URL      JSON-RPC endpoint of the ENS chain (mainnet)        default the chain-1 entry of RPC_URLS
                   (neither: ENS is off); a secret when it holds an API key
  ENS_REGISTRY     the ENS registry's address         default 0x00000000000C2E074eC69A0dFb2997BA6C7d2e1e
  ENS_TIMEOUT      ms one ENS lookup may take; past it, no profile claims   default 2000
  ENS_CACHE_TTL    seconds (or 30m, 1h, 1d) a lookup's result, found       default 3600
                   or not, is kept in the store
  INTERACTION_TTL  seconds a sign-in (and its nonce) stays valid       default 600
                   and a device sign-in's code (RFC 8628) lives
  CLOCK_SKEW       seconds of clock skew tolerated                    default 60
  ACCESS_TOKEN_TTL access token lifetime                              default 1h
                   durations, here and below: seconds (3600) or with s, m, h, d (90s, 30m, 1h, 7d)
  ID_TOKEN_TTL     ID token lifetime                                  default 1h
  REFRESH_TOKEN_TTL
                   idle lifetime of a refresh token (each use rotates it)  default 7d
  SESSION_TTL      idle lifetime of a sign-in session                 default 7d
  SESSION_MAX_AGE  absolute cap from the sign-in on sessions and      default 30d
                   refresh tokens, however active; retired signing keys stay published as long
  SUBJECT_FORMAT   the ID token sub: address (EIP-55) or caip10       default address
                   (eip155:<chainId>:<address>)
  REGISTRATION     dynamic client registration: off, token or open    default off (token when
                                                                      REGISTRATION_INITIAL_ACCESS_TOKEN is set)
  REGISTRATION_INITIAL_ACCESS_TOKEN
                   the Bearer token POST /reg requires with REGISTRATION=token
  REGISTRATION_RATE_LIMIT
                   the older spelling of RATE_LIMITS' registration=N/window (still read)
  REGISTRATION_CLIENT_TTL
                   seconds a registered client (and its registration
                   access token) lives without a sign-in              default 2592000 (30 days)
  PRIVATE_NETWORK_HOSTS
                   hosts on loopback/private networks the server may call
                   (back-channel logout, client jwks_uri), comma-separated  default none
  NODE_ENV         "production" requires JWKS_FILE, COOKIE_KEYS, CLIENTS_FILE and an https issuer
  LOG_LEVEL        info | warn | error | silent                       default info
  LOG_FORMAT       json (one object per line, on stderr) | pretty     default json
  METRICS_PORT     port for Prometheus metrics (GET /metrics), apart   default unset: no metrics
                   from PORT; never expose it publicly
  METRICS_HOST     address the metrics port listens on, e.g.           default every interface
                   127.0.0.1 (containers: keep the default, do not publish the port)

Generate a signing key set: npx siwe-idp keys generate --out jwks.json
Manage clients and keys, check a configuration: npx siwe-idp --help
`;
