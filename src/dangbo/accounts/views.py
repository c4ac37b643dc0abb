"""Login, the home redirect, API tokens, and users and roles of a subtree."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_POST

from dangbo.core.errors import DomainError
from dangbo.core.exports import CHUNK_SIZE, Export, ExportableListMixin, export_name, preamble
from dangbo.core.views import (
    DangboView,
    OrgScopedView,
    ServiceFormMixin,
    apply_domain_error,
    requires,
)
from dangbo.core.xlsx import Column
from dangbo.organizations.selectors import get_org, path_range

from . import services, setup
from .access import scope_of
from .forms import CreateUserForm, GrantRoleForm, LoginForm, SetupForm, TokenForm
from .landing import landing_url
from .models import Module, Role, RoleAssignment
from .permissions import Capability


class LoginView(auth_views.LoginView):
    capability = None
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    capability = None


class HomeView(DangboView):
    """Send the user to the page of their work at the top of their subtree (``landing``), or a
    member to their own record.

    On an installation with no organization yet, a superuser goes to the first run
    («Khởi tạo hệ thống»); anyone else is told the installation is not set up.
    """

    capability = None
    template_name = "accounts/no_role.html"

    def get(self, request, *args, **kwargs):
        if setup.is_empty():
            if request.user.is_superuser:
                return redirect("setup")
            return render(request, SetupView.waiting_template, status=200)
        scope = scope_of(request)
        assignments = list(
            RoleAssignment.objects.filter(user=request.user, revoked_at__isnull=True)
            .exclude(role=Role.MEMBER)
            .select_related("organization")
        )
        url = landing_url(assignments) if request.user.is_authenticated else None
        if url is not None:
            return redirect(url)
        if scope.own_member_id is not None:
            return redirect("member-detail", pk=scope.own_member_id)
        return super().get(request, *args, **kwargs)


class SetupView(ServiceFormMixin, DangboView):
    """«Khởi tạo hệ thống»: the first run of an empty installation, as ``dangbo init`` does.

    Only a superuser sets it up; anyone else is told to wait for them. Once the installation
    has an organization, the page refuses (back to the home page, with a message).
    """

    capability = None
    template_name = "accounts/setup.html"
    waiting_template = "accounts/not_set_up.html"
    form_class = SetupForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not setup.is_empty():
            messages.info(request, "Hệ thống đã được khởi tạo; trang khởi tạo không dùng được nữa.")
            return redirect("home")
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        if not request.user.is_superuser:
            return render(request, self.waiting_template)
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        if not request.user.is_superuser:
            raise PermissionDenied("Chỉ quản trị hệ thống được khởi tạo hệ thống.")
        return super().post(request, *args, **kwargs)

    def perform(self, form):
        data = {k: v for k, v in form.cleaned_data.items() if k != "password_again"}
        return setup.set_up_installation(actor=self.request.user, **data)

    def get_success_message(self, result) -> str:
        return (
            f"Đã khởi tạo hệ thống: tổ chức cao nhất «{result.organization.name}» "
            f"(mã {result.organization.code}). Đăng nhập bằng tài khoản quản trị cấp ủy "
            f"«{result.user.username}» để nhập dữ liệu và tạo tài khoản cho cán bộ."
        )

    def get_success_url(self, result) -> str:
        return reverse("home")


class TokenListView(ServiceFormMixin, DangboView):
    """The user's own API tokens: issue one, revoke one.

    A new token is shown once, in the very response to the POST that issues it (never
    stored, not even in the session), and that response is not to be cached.
    """

    capability = None
    template_name = "accounts/tokens.html"
    form_class = TokenForm
    raw_token: str | None = None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["tokens"] = self.request.user.api_tokens.order_by("-created_at")
        context["raw_token"] = self.raw_token
        return context

    def perform(self, form):
        token, self.raw_token = services.issue_token(
            actor=self.request.user, user=self.request.user, name=form.cleaned_data["name"]
        )
        return token

    def post(self, request, *args, **kwargs):
        form = self.get_form(request.POST)
        if form.is_valid():
            try:
                token = self.perform(form)
            except ValidationError as exc:
                apply_domain_error(form, exc, self.field_map)
            else:
                messages.success(request, self.get_success_message(token))
                response = self.render_to_response(self.get_context_data(form=self.get_form()))
                add_never_cache_headers(response)
                return response
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def get_success_message(self, token) -> str:
        return f"Đã tạo khóa API «{token.name}». Hãy sao chép khóa ngay: khóa chỉ hiện một lần."


@requires(None)
@login_required
@require_POST
def revoke_token(request, pk: int):
    token = request.user.api_tokens.filter(pk=pk, revoked_at__isnull=True).first()
    if token is None:
        raise Http404("Không tìm thấy khóa API.")
    services.revoke_token(actor=request.user, token=token)
    messages.success(request, f"Đã thu hồi khóa API «{token.name}».")
    return redirect("tokens")


USER_EXPORT_COLUMNS = (
    Column("Tài khoản", width=18),
    Column("Họ và tên", width=26),
    Column("Thư điện tử", width=26),
    Column("Vai trò", width=30),
    Column("Mã tổ chức", width=14),
    Column("Tổ chức", width=36),
    Column("Phân hệ", width=30),
    Column("Thời điểm giao vai trò", "datetime"),
    Column("Lần đăng nhập gần nhất", "datetime"),
)
_MODULES = dict(Module.choices)


def user_rows(assignments):
    for a in assignments.iterator(chunk_size=CHUNK_SIZE):
        yield [
            a.user.username, a.user.get_full_name(), a.user.email, a.get_role_display(),
            a.organization.code, a.organization.name,
            ", ".join(_MODULES.get(m, m) for m in a.modules or []),
            a.granted_at, a.user.last_login,
        ]  # fmt: skip


class UsersView(ExportableListMixin, OrgScopedView):
    """Users holding roles in the subtree; create a user, grant and revoke roles.

    ``?export=xlsx`` downloads the list of role assignments.
    """

    capability = Capability.MANAGE_USERS
    template_name = "accounts/users.html"

    def get_export(self, fmt):
        day = timezone.localdate()
        return Export(
            name=export_name("nguoi-dung", self.org.code, day),
            sheet_title="Người dùng",
            columns=USER_EXPORT_COLUMNS,
            rows=user_rows(self.assignments()),
            preamble=preamble("Người dùng và vai trò", self.org, on=day, user=self.request.user),
        )

    def assignments(self):
        return (
            RoleAssignment.objects.filter(
                path_range(self.org.path, "organization__path"), revoked_at__isnull=True
            )
            .select_related("user", "organization__parent")
            .order_by("user__username", "organization__path")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault(
            "create_form", CreateUserForm(prefix="create", initial={"org_code": self.org.code})
        )
        context.setdefault(
            "grant_form", GrantRoleForm(prefix="grant", initial={"org_code": self.org.code})
        )
        context["assignments"] = self.assignments()
        return context

    def _target_org(self, form):
        try:
            return get_org([self.org.path], form.cleaned_data["org_code"].strip())
        except Http404:
            form.add_error(
                "org_code",
                f"Không có tổ chức mã «{form.cleaned_data['org_code']}» trong phạm vi {self.org.name}.",
            )
            return None

    def post(self, request, *args, **kwargs):
        action = request.POST.get("action")
        if action == "create":
            form = CreateUserForm(request.POST, prefix="create")
            if form.is_valid() and (target := self._target_org(form)) is not None:
                data = form.cleaned_data
                try:
                    with transaction.atomic():
                        user = services.create_user(
                            actor=request.user,
                            username=data["username"],
                            password=data["password"],
                            full_name=data["full_name"],
                            email=data["email"] or "",
                            organization=target,
                        )
                        services.grant_role(
                            actor=request.user,
                            user=user,
                            role=data["role"],
                            organization=target,
                            modules=data["modules"],
                        )
                except DomainError as exc:
                    apply_domain_error(form, exc, {"organization": "org_code"})
                else:
                    messages.success(
                        request, f"Đã tạo tài khoản «{user.username}» và giao vai trò."
                    )
                    return redirect("users", code=self.org.code)
            return self.render_to_response(self.get_context_data(create_form=form), status=400)
        if action == "grant":
            form = GrantRoleForm(request.POST, prefix="grant")
            if form.is_valid() and (target := self._target_org(form)) is not None:
                data = form.cleaned_data
                user = (
                    get_user_model()
                    .objects.filter(username__iexact=data["username"].strip(), is_active=True)
                    .first()
                )
                if user is None:
                    form.add_error("username", f"Không có tài khoản «{data['username']}».")
                else:
                    try:
                        services.grant_role(
                            actor=request.user,
                            user=user,
                            role=data["role"],
                            organization=target,
                            modules=data["modules"],
                        )
                    except DomainError as exc:
                        apply_domain_error(form, exc, {"organization": "org_code"})
                    else:
                        messages.success(request, f"Đã giao vai trò cho «{user.username}».")
                        return redirect("users", code=self.org.code)
            return self.render_to_response(self.get_context_data(grant_form=form), status=400)
        if action == "revoke":
            assignment = self.assignments().filter(pk=request.POST.get("assignment") or 0).first()
            if assignment is None:
                raise Http404("Không tìm thấy phân quyền.")
            if assignment.user_id == request.user.pk:
                messages.error(request, "Không thể tự thu hồi vai trò của chính mình.")
                return redirect("users", code=self.org.code)
            services.revoke_role(actor=request.user, assignment=assignment)
            messages.success(request, f"Đã thu hồi vai trò của «{assignment.user.username}».")
            return HttpResponseRedirect(reverse("users", kwargs={"code": self.org.code}))
        raise Http404("Thao tác không hợp lệ.")
