"""What the load profiles' clients share (bench/locustfile.py, bench/locustfile_rush.py):
the load data set's password, the proxy header, and logging in. Not a locustfile
itself: it defines no user class."""

import re
from http.cookiejar import DefaultCookiePolicy

PASSWORD = "qmi-load-2025"  # noqa: S105 - the load data set's logins

# gunicorn serves plain HTTP here, as behind a TLS-terminating proxy: say so, and let
# the client send back the cookies the site marks Secure, as a browser does over HTTPS.
# (Every jar: requests copies the session's at each request. Clearing the flag on the
# cookies after log-in was not enough: the next answer sets them again, Secure, and the
# clients were then measuring the log-in page.)
PROXY = {"X-Forwarded-Proto": "https"}
DefaultCookiePolicy.return_ok_secure = lambda self, cookie, request: True


def log_in(user, email, session=None):
    """Log a locust user in: with ``session``, a session made before the run (the run
    then hashes no password); otherwise through the log-in form."""
    user.client.headers.update(PROXY)
    if session:
        user.client.cookies.set("sessionid", session, domain="127.0.0.1", path="/")
        return
    page = user.client.get("/comptes/login/", name="login page").text
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    user.client.post(
        "/comptes/login/",
        {"login": email, "password": PASSWORD, "csrfmiddlewaretoken": token},
        headers={"Referer": user.host.replace("http://", "https://") + "/comptes/login/"},
        name="login",
    )
