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
  REDIS_URL        redis://… shared store for any number of instances default: in-memory, one process
  CLIENTS_FILE     JSON array of client metadata                      default: the dev client (development)
  JWKS_FILE        private JWKS (must include an EC P-256 key)        default: generated (development)
                   make and rotate one with: npx siwe-idp keys generate|rotate
  COOKIE_KEYS      comma-separated cookie signing secrets             default: generated (development)
  CHAIN_IDS        EIP-155 chain ids a SIWE message may name          default 1
  RPC_URLS         <chainId>=<url>,… JSON-RPC endpoints: smart accounts   default none (EOAs only)
                   (ERC-1271, ERC-6492) may sign in on those chains
  RPC_TIMEOUT      ms one contract-wallet check's chain call may take  default 3000
  INTERACTION_TTL  seconds a sign-in (and its nonce) stays valid       default 600
  CLOCK_SKEW       seconds of clock skew tolerated                    default 60
  SUBJECT_FORMAT   the ID token sub: address (EIP-55) or caip10       default address
                   (eip155:<chainId>:<address>)
  REGISTRATION     dynamic client registration: off, token or open    default off (token when
                                                                      REGISTRATION_INITIAL_ACCESS_TOKEN is set)
  REGISTRATION_INITIAL_ACCESS_TOKEN
                   the Bearer token POST /reg requires with REGISTRATION=token
  REGISTRATION_RATE_LIMIT
                   open registrations per client IP, N/second|minute|hour|day  default 20/hour
  REGISTRATION_CLIENT_TTL
                   seconds a registered client (and its registration
                   access token) lives without a sign-in              default 2592000 (30 days)
  PRIVATE_NETWORK_HOSTS
                   hosts on loopback/private networks the server may call
                   (back-channel logout, client jwks_uri), comma-separated  default none
  NODE_ENV         "production" requires JWKS_FILE, COOKIE_KEYS, CLIENTS_FILE and an https issuer
  LOG_LEVEL        info | warn | error | silent                       default info

Generate a signing key set: npx siwe-idp keys generate --out jwks.json
Manage clients and keys, check a configuration: npx siwe-idp --help
`;
