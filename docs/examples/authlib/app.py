"""A Flask web app that signs people in with Ethereum through siwe-idp, using Authlib.

Run it (docs/generic-web-app.md):
    ISSUER=https://id.example.com CLIENT_ID=my-app CLIENT_SECRET=... \\
    FLASK_SECRET_KEY=$(openssl rand -hex 32) PORT=8080 python3 app.py

The test suite runs this very file against the provider (test/docs/authlib-example.test.ts)."""
import os

from authlib.integrations.flask_client import OAuth
from flask import Flask, redirect, session, url_for
from markupsafe import escape

app = Flask(__name__)
app.secret_key = os.environ["FLASK_SECRET_KEY"]

oauth = OAuth(app)
oauth.register(
    "siwe",
    server_metadata_url=os.environ["ISSUER"] + "/.well-known/openid-configuration",
    client_id=os.environ["CLIENT_ID"],
    client_secret=os.environ["CLIENT_SECRET"],
    client_kwargs={"scope": "openid ethereum", "code_challenge_method": "S256"},
)


@app.route("/")
def home():
    user = session.get("user")
    if not user:
        return '<a href="/login">Sign in with Ethereum</a>'
    return (
        f"<p>Signed in as <code>{escape(user['sub'])}</code> "
        f"on chain {escape(user.get('chain_id'))} "
        f"(<code>{escape(user.get('caip10_account_id'))}</code>)</p>"
    )


@app.route("/login")
def login():
    return oauth.siwe.authorize_redirect(url_for("callback", _external=True))


@app.route("/callback")
def callback():
    token = oauth.siwe.authorize_access_token()  # checks state, PKCE, the ID token's signature, iss, aud and nonce
    session["user"] = dict(token["userinfo"])  # the verified ID token claims
    return redirect("/")


if __name__ == "__main__":
    app.run(host="127.0.0.1", port=int(os.environ["PORT"]))
