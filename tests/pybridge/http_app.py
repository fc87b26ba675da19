"""liveactor.http under the real server (test_http.py): a login form and its POST, a guarded
plain page, a handler that raises, and a live view whose mount reads the session they store."""

from liveactor import LiveView, http


@http.get("/login")
def login_form(request):
    return ('<form method="post" action="/login">'
            f'<input type="hidden" name="_csrf_token" value="{request.csrf_token}">'
            '<input name="name"><button>Log in</button></form>')


@http.post("/login")
def login(request):
    request.session["user"] = request.form.get("name", "")
    return http.redirect("/members")


@http.get("/logout")
def logout(request):
    request.session.clear()
    return http.redirect("/login")


@http.get("/account")
@http.require_session("user", redirect_to="/login")
def account(request):
    return http.Response(f"account of {request.session['user']}", headers={"x-user": request.session["user"]})


@http.get("/boom")
def boom(request):
    raise RuntimeError("handler detail")


class Members(LiveView):
    template = '<p id="who">{{ user }}</p>'

    def mount(self, params, session):
        self.user = session.get("user", "nobody")


class Private(LiveView):
    requires = "user"
    requires_redirect = "/login?next=private"
    template = '<p id="private">{{ user }}</p>'

    def mount(self, params, session):
        self.user = session["user"]


routes = {"/members": Members, "/private": Private}
