"""Logging in: plain HTTP handlers (liveactor.http) for the login form and logout, a live page
for members only. Any non-empty name logs in — there is no password store in this example.

Run: liveactor serve examples/login/app.py, then open /login.

The session lives in a signed cookie that login fills in (request.session["user"] = …); the live
view's mount(params, session) receives the same dict. A form that posts carries the session's
CSRF token (the hidden _csrf_token field), or the server refuses the POST with 403.
"""

from liveactor import LiveView, event, http

FORM = """<!DOCTYPE html>
<title>Log in</title>
<h1>Log in</h1>
{error}
<form method="post" action="/login">
  <input type="hidden" name="_csrf_token" value="{csrf}">
  <label>Name <input id="name" name="name" autofocus></label>
  <button id="login">Log in</button>
</form>
<p><a href="/">all examples</a></p>
"""


@http.get("/login")
def login_form(request):
    return FORM.format(error="", csrf=request.csrf_token)


@http.post("/login")
def login(request):
    name = request.form.get("name", "").strip()
    if not name:
        return http.Response(FORM.format(error='<p id="error">Type a name.</p>', csrf=request.csrf_token), status=422)
    request.session["user"] = name
    return http.redirect("/members")


@http.get("/logout")
def logout(request):
    request.session.clear()
    return http.redirect("/login")


class Members(LiveView):
    """Members only: without a user in the session, the page load redirects to /login."""

    requires = "user"
    requires_redirect = "/login"

    template = """
<section>
  <h1 id="hello">Hello, {{ user }}</h1>
  <p>This page is live: <button id="wave" phx-click="wave">wave</button> <span id="waves">{{ waves }}</span></p>
  <p><a id="logout" href="/logout">Log out</a></p>
</section>
"""

    def mount(self, params, session):
        self.user = session["user"]  # `requires` made sure
        self.waves = 0
        self.page_title = "Members"

    @event("wave")
    def wave(self):
        self.waves += 1


routes = {"/members": Members}
