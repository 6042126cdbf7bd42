"""ProConnect's OpenID Connect flavour: a signed userinfo.

ProConnect answers its userinfo endpoint with a signed JWT
(``Content-Type: application/jwt``), not with JSON as allauth's generic
OpenID Connect adapter expects. This adapter verifies that JWT with the keys
of the provider's JWKS (``jwks_uri`` of its discovery document), its issuer and
its audience (our client id), then reads its claims. A plain JSON answer is still
read as before (other providers, local test servers). ProConnect's ``usual_name``
(the agent's usual last name) also fills ``family_name``.

The views below are allauth's OpenID Connect login and callback with this
adapter; qmi/urls.py routes ProConnect's URLs to them.
"""

import jwt
from allauth.account.internal.decorators import login_not_required
from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from allauth.socialaccount.providers.oauth2.views import OAuth2CallbackView, OAuth2LoginView
from allauth.socialaccount.providers.openid_connect.views import OpenIDConnectOAuth2Adapter
from django.http import Http404

PROVIDER_ID = "proconnect"
JWT_CONTENT_TYPES = ("application/jwt",)
# ProConnect signs with RS256 or ES256; never a shared secret nor "none".
ALGORITHMS = ("RS256", "ES256")


class ProConnectOAuth2Adapter(OpenIDConnectOAuth2Adapter):
    def __init__(self, request, provider_id=PROVIDER_ID):
        super().__init__(request, provider_id)

    def _fetch_user_info(self, access_token):
        headers = {"Authorization": f"Bearer {access_token}"}
        with get_adapter().get_requests_session() as session:
            response = session.get(self.profile_url, headers=headers)
            response.raise_for_status()
        content_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if content_type in JWT_CONTENT_TYPES:
            claims = self.decode_userinfo(response.text.strip())
        else:
            claims = response.json()
        if claims.get("usual_name") and not claims.get("family_name"):
            claims["family_name"] = claims["usual_name"]
        return claims

    def decode_userinfo(self, credential):
        """The userinfo JWT's claims, once its signature (by the key of the provider's
        JWKS that its ``kid`` names, with an asymmetric algorithm only), its issuer
        and its audience are checked; anything else raises OAuth2Error, so the
        log-in fails with allauth's error page and nothing is created."""
        app = self.get_provider().app
        config = self.openid_config
        try:
            header = jwt.get_unverified_header(credential)
            if header.get("alg") not in ALGORITHMS:
                raise OAuth2Error(f"userinfo signed with {header.get('alg')!r}")
            with get_adapter().get_requests_session() as session:
                response = session.get(config["jwks_uri"])
                response.raise_for_status()
                keys = jwt.PyJWKSet.from_dict(response.json())
            key = next((k for k in keys.keys if k.key_id == header.get("kid")), None)
            if key is None:
                raise OAuth2Error("userinfo signed with an unknown key")
            return jwt.decode(
                credential,
                key=key.key,
                algorithms=[header["alg"]],
                audience=app.client_id,
                issuer=config["issuer"],
                options={"require": ["iss", "aud", "sub"]},
            )
        except (jwt.PyJWTError, KeyError, TypeError, ValueError) as error:
            raise OAuth2Error("Invalid userinfo") from error


__all__ = ["OAuth2Error", "ProConnectOAuth2Adapter", "callback", "login"]


@login_not_required
def login(request):
    try:
        view = OAuth2LoginView.adapter_view(ProConnectOAuth2Adapter(request))
        return view(request)
    except SocialApp.DoesNotExist as error:
        raise Http404 from error


@login_not_required
def callback(request):
    try:
        view = OAuth2CallbackView.adapter_view(ProConnectOAuth2Adapter(request))
        return view(request)
    except SocialApp.DoesNotExist as error:
        raise Http404 from error
