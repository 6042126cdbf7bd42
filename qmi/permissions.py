"""One way to say who may do what: every view states its rule with ``@rule``.

The rules themselves are plain predicate functions in each app's
``permissions`` module (``can_decide(user, target)``...). A view declares
which one it enforces::

    @rule(can_access_staff_area)                          # (user)
    def home(request): ...

    @rule(can_decide, target=("target_id", selectors.get_target))
    def decide(request, target): ...                      # can_decide(user, target)

- Anonymous visitors are sent to the log-in page (``public`` rules excepted).
- Each loader ``name=(url_argument, load)`` is called as ``load(user, value)``;
  it answers 404 for what is outside the user's scope (a forged id never
  reaches another commune's data). The object replaces the URL argument in the
  view's arguments and is passed to the predicate, in the order given.
- A predicate that says no answers 403 (``PermissionDenied``).

``rule`` decorators stack (e.g. the staff area, then the object rule); the
view records its predicates in ``permission_rules`` so that a test walks the
URL resolver and fails on a view without one (tests/qmi/test_url_permissions.py).
Templates ask the same predicates with ``{% may "app.predicate" obj as ok %}``
(``qmi_tags``).
"""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

__all__ = ["RuleMixin", "logged_in", "public", "rule", "rules_of", "scoped"]


def public(user):
    """Anyone, logged in or not (public pages, and personal links whose token is the
    permission: the view checks the token)."""
    return True


def logged_in(user):
    """Any logged-in person; what they see is filtered by ``visible_to`` / ownership."""
    return user.is_authenticated


def scoped(user, *objects):
    """The object loader's scope is the whole rule (it answered 404 to everyone else,
    so as not to tell whether the object exists)."""
    return True


def rule(predicate, **loaders):
    """Decorator for function views: see the module's docstring."""

    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            user = request.user
            if predicate is not public and not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            objects = []
            for name, (argument, load) in loaders.items():
                obj = load(user, kwargs.pop(argument))
                kwargs[name] = obj
                objects.append(obj)
            if not predicate(user, *objects):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapper.permission_rules = (predicate, *getattr(view, "permission_rules", ()))
        return wrapper

    return decorate


def rules_of(view):
    """The predicates a view (or a class-based view's ``as_view()``) enforces."""
    view_class = getattr(view, "view_class", None)
    if view_class is not None and hasattr(view_class, "permission_rule"):
        return (view_class.permission_rule,)
    return getattr(view, "permission_rules", ())


def predicate_named(dotted):
    """``"applications.can_decide"`` -> the predicate of that app's permissions module."""
    from importlib import import_module

    app, _dot, name = dotted.rpartition(".")
    if not name.startswith(("can_", "is_", "has_")):
        raise ValueError(f"{dotted!r} is not a permission predicate")
    return getattr(import_module(f"{app}.permissions"), name)


class RuleMixin:
    """For class-based views: ``permission_rule = predicate`` (user only), enforced in
    ``dispatch`` exactly as ``@rule`` does."""

    permission_rule = None

    def dispatch(self, request, *args, **kwargs):
        return rule(self.permission_rule)(super().dispatch)(request, *args, **kwargs)
