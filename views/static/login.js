// The login page's wallet step: plain EIP-1193 calls, no Ethereum library.
(() => {
  const interaction = JSON.parse(document.getElementById('interaction').textContent);
  const button = document.getElementById('connect');
  const status = document.getElementById('status');
  const base = `/interaction/${encodeURIComponent(interaction.uid)}`;

  const say = (text) => { status.textContent = text; };
  const toHex = (text) => `0x${Array.from(new TextEncoder().encode(text), (b) => b.toString(16).padStart(2, '0')).join('')}`;

  async function getJson(url, init) {
    const response = await fetch(url, { credentials: 'same-origin', headers: { accept: 'application/json', 'content-type': 'application/json' }, ...init });
    const body = await response.json();
    if (!response.ok) throw new Error(body.error_description || body.error || `HTTP ${response.status}`);
    return body;
  }

  async function signIn() {
    const wallet = window.ethereum;
    if (!wallet) { say('No Ethereum wallet was found in this browser. Install one, or use "Sign elsewhere" below.'); return; }
    button.disabled = true;
    try {
      say('Asking your wallet for an account…');
      const [account] = await wallet.request({ method: 'eth_requestAccounts' });
      const chainId = Number.parseInt(await wallet.request({ method: 'eth_chainId' }), 16);
      const query = new URLSearchParams({ address: account, chainId: String(chainId) });
      const { message, address } = await getJson(`${base}/message?${query}`);
      say('Please sign the message in your wallet.');
      const signature = await wallet.request({ method: 'personal_sign', params: [toHex(message), address] });
      say('Checking your signature…');
      const { redirectTo } = await getJson(`${base}/login`, { method: 'POST', body: JSON.stringify({ message, signature }) });
      window.location.assign(redirectTo);
    } catch (error) {
      say(error && error.code === 4001 ? 'You declined the request in your wallet. You can try again.' : `Sign-in failed: ${error.message}`);
      button.disabled = false;
    }
  }

  button.addEventListener('click', signIn);
})();
