"""The read API (JSON and CSV of every register, the OpenAPI schema) and its two pages (API
tokens, the API's documentation).

Every API view answers through the same permission table as the pages: a programme's registers
need the ``export`` permission (who may download the workbook may read its registers), the list
of programmes and the schema a signed-in user. A non-member gets 404, a member without the
permission 403, a request with no credentials or a bad token 401, each with a JSON ``detail``.
The access rule is recorded on each view, so the role × URL matrix covers the API too.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param
from rest_framework.views import APIView

from improve.core import access as core_access
from improve.core.registry import registry
from improve.core.views import actor
from improve.interchange.api import listing, schema, selectors, services
from improve.interchange.api.authentication import BearerTokenAuthentication, SessionAuthentication
from improve.interchange.api.selectors import ApiRegister

#: Who may read a programme's registers: whoever may download its workbook.
READ_PERM = "export"
SESSION_SECRET = "api_token_shown"  # noqa: S105 - a session key


class CSVRenderer(BaseRenderer):  # type: ignore[misc]  # DRF is untyped
    """Lets ``?format=csv`` (or ``Accept: text/csv``) through content negotiation; the view writes the CSV."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None) -> bytes:
        return b""  # an error answered to a CSV request is written as JSON (see ApiView.finalize_response)


ERROR = inline_serializer("Error", {"detail": serializers.CharField(help_text="what is wrong and what would do")})
ERRORS: dict[Any, Any] = {
    (401, "application/json"): OpenApiResponse(
        ERROR, description="No credentials, or a token that is not known or is revoked"
    ),
    (403, "application/json"): OpenApiResponse(ERROR, description="Your role in the programme does not allow this"),
    (404, "application/json"): OpenApiResponse(
        ERROR, description="No such programme (or you are not one of its members), register or page"
    ),
}


class ApiView(APIView):  # type: ignore[misc]
    """A read-only API view: a token or the session; ``perm`` (if set) is a programme permission."""

    authentication_classes: ClassVar[list[type]] = [BearerTokenAuthentication, SessionAuthentication]
    permission_classes: ClassVar[list[type]] = [IsAuthenticated]
    renderer_classes: ClassVar[list[type]] = [JSONRenderer]
    perm: ClassVar[str] = ""

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        if self.perm:
            access = registry.programme_access(request.user, kwargs["slug"])
            if access is None:
                raise Http404("No such programme, or you are not one of its members.")
            access.require(self.perm)  # 403, as on the pages
            self.access = access

    def finalize_response(self, request: Request, response: HttpResponseBase, *args: Any, **kwargs: Any) -> Any:
        if isinstance(response, Response) and response.status_code >= 400:
            response.accepted_renderer = JSONRenderer()
            response.accepted_media_type = JSONRenderer.media_type
            response.renderer_context = self.get_renderer_context()
        return super().finalize_response(request, response, *args, **kwargs)


def as_api_view(cls: type[ApiView], rule: str) -> Callable[..., HttpResponseBase]:
    """The view function, carrying its access rule (read by the role × URL matrix) and marked as the API's."""
    view = core_access.mark(cls.as_view(), rule)
    view.api = True  # type: ignore[attr-defined]  # answers 401 with JSON, not the sign-in page
    return view


def _programme_json(request: Request, programme: Any) -> dict[str, Any]:
    return {
        "slug": programme.slug,
        "council": programme.council,
        "name": programme.name,
        "url": request.build_absolute_uri(reverse("api:programme", args=[programme.slug])),
    }


class ProgrammesView(ApiView):
    @extend_schema(
        operation_id="programmes_list",
        summary="The programmes you are a member of",
        tags=["Programmes"],
        responses={
            200: inline_serializer(
                "ProgrammeList",
                {
                    "results": inline_serializer(
                        "ProgrammeLink",
                        {
                            "slug": serializers.CharField(),
                            "council": serializers.CharField(),
                            "name": serializers.CharField(),
                            "url": serializers.URLField(help_text="the programme's list of registers"),
                        },
                        many=True,
                    )
                },
            ),
            (401, "application/json"): ERRORS[(401, "application/json")],
        },
    )
    def get(self, request: Request) -> Response:
        programmes = selectors.programmes_of(request.user)
        return Response({"results": [_programme_json(request, p) for p in programmes]})


class ProgrammeView(ApiView):
    perm = READ_PERM

    @extend_schema(
        operation_id="registers_list",
        summary="The registers of one programme",
        tags=["Programmes"],
        responses={
            200: inline_serializer(
                "RegisterList",
                {
                    "programme": inline_serializer(
                        "ProgrammeOfRegisters",
                        {
                            "slug": serializers.CharField(),
                            "council": serializers.CharField(),
                            "name": serializers.CharField(),
                            "url": serializers.URLField(),
                        },
                    ),
                    "registers": inline_serializer(
                        "Register",
                        {
                            "name": serializers.CharField(),
                            "room": serializers.CharField(help_text="the part of the product that keeps it"),
                            "url": serializers.URLField(help_text="its rows as JSON"),
                            "csv": serializers.URLField(help_text="its rows as CSV"),
                            "key": serializers.ListField(child=serializers.CharField()),
                            "columns": serializers.ListField(child=serializers.CharField()),
                        },
                        many=True,
                    ),
                },
            ),
            **ERRORS,
        },
    )
    def get(self, request: Request, slug: str) -> Response:
        programme = self.access.programme
        registers = []
        for register in selectors.registers():
            url = request.build_absolute_uri(reverse("api:register", args=[programme.slug, register.name]))
            registers.append(
                {
                    "name": register.name,
                    "room": register.room,
                    "url": url,
                    "csv": f"{url}?format=csv",
                    "key": list(register.spec.key),
                    "columns": register.spec.column_names,
                }
            )
        return Response({"programme": _programme_json(request, programme), "registers": registers})


class RegisterView(ApiView):
    """One register's rows: paged JSON, or every row as CSV."""

    perm = READ_PERM
    renderer_classes: ClassVar[list[type]] = [JSONRenderer, CSVRenderer]
    #: set on the views the schema describes (one per register); otherwise found by the URL's name
    register: ClassVar[ApiRegister | None] = None

    def perform_content_negotiation(self, request: Request, force: bool = False) -> Any:
        try:
            return super().perform_content_negotiation(request, force)
        except Http404:  # ?format= names no renderer: the query check below says what is allowed
            return (JSONRenderer(), JSONRenderer.media_type)

    def get(self, request: Request, slug: str, register: str = "") -> Any:
        found = self.register or selectors.register_named(register)
        if found is None:
            names = ", ".join(r.name for r in selectors.registers())
            return Response({"detail": f"There is no register called '{register}': the registers are {names}"}, 404)
        return self.rows(request, found)

    def rows(self, request: Request, register: ApiRegister) -> Any:
        programme = self.access.programme
        params = {k: v for k, v in request.query_params.items()}
        try:
            query = listing.read_query(register.spec, params)
            rows = listing.filtered(selectors.register_rows(programme, register), query)
            if request.accepted_renderer.format == "csv" or query.format == "csv":
                return _csv_response(register, programme, rows)
            page = listing.page_of(rows, query)
        except listing.BadQuery as exc:
            return Response({"detail": str(exc)}, status=404 if isinstance(exc, listing.NoSuchPage) else 400)
        convert = listing.row_converter(register.spec)
        url = request.build_absolute_uri()
        return Response(
            {
                "register": register.name,
                "programme": programme.slug,
                "count": page.count,
                "page": page.number,
                "pages": page.pages,
                "page_size": page.size,
                "next": replace_query_param(url, "page", page.number + 1) if page.has_next else None,
                "previous": (
                    (
                        replace_query_param(url, "page", page.number - 1)
                        if page.number > 2
                        else remove_query_param(url, "page")
                    )
                    if page.has_previous
                    else None
                ),
                "results": [convert(row) for row in page.rows],
            }
        )


def _csv_response(register: ApiRegister, programme: Any, rows: Any) -> HttpResponse:
    response = HttpResponse(listing.csv_text(register.spec, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{programme.slug}-{register.name}.csv"'
    return response


def _register_parameters(register: ApiRegister) -> list[OpenApiParameter]:
    params = [
        OpenApiParameter(
            "page", {"type": "integer", "minimum": 1, "maximum": 10**9}, description="The page, from 1 (JSON only)."
        ),
        OpenApiParameter(
            "page_size",
            {"type": "integer", "minimum": 1, "maximum": listing.MAX_PAGE_SIZE},
            description=f"Rows a page, 1 to {listing.MAX_PAGE_SIZE:,} "
            f"(default {listing.DEFAULT_PAGE_SIZE}; JSON only).",
        ),
        OpenApiParameter(
            "format", str, enum=list(listing.FORMATS), description="json (the default) or csv: every row, as CSV."
        ),
    ]
    for column in listing.date_columns(register.spec):
        for end, word in ((listing.FROM, "on or after"), (listing.TO, "on or before")):
            params.append(
                OpenApiParameter(
                    column + end,
                    OpenApiTypes.DATE,
                    description=f"Only rows whose {column} is {word} this date (yyyy-mm-dd or dd/mm/yyyy).",
                )
            )
    return params


def register_view(register: ApiRegister) -> type[RegisterView]:
    """The view of one register, described in the schema by the register's own components."""
    spec = register.spec

    def get(self: RegisterView, request: Request, slug: str) -> Any:
        return RegisterView.rows(self, request, register)

    described = extend_schema(
        operation_id=f"{spec.name}_list",
        summary=f"{spec.name}: the rows of the register",
        description=f"The {spec.name} sheet of the programme workbook ({register.room}), key: {', '.join(spec.key)}.",
        tags=[register.room],
        parameters=_register_parameters(register),
        responses={
            (200, "application/json"): schema.page_serializer(spec),
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="Every row, UTF-8 with a byte-order mark"),
            (400, "application/json"): OpenApiResponse(ERROR, description="A query parameter that cannot be read"),
            **ERRORS,
        },
    )(get)
    return type(f"{schema.camel(spec.name)}View", (RegisterView,), {"register": register, "get": described})


class SchemaView(ApiView):
    @extend_schema(exclude=True)
    def get(self, request: Request) -> Response:
        return Response(schema.openapi())


# --- pages -------------------------------------------------------------------------------------------


class TokenForm(forms.Form):
    name = forms.CharField(
        label="Name of the token",
        help_text="What it is for, so you can tell it from the others: for example, Power BI programme dashboard.",
        max_length=100,
        error_messages={
            "required": "Enter a name for the token",
            "max_length": "The name must be 100 characters or fewer",
        },
    )


@core_access.signed_in
def tokens(request: HttpRequest) -> HttpResponse:
    """The signed-in user's API tokens: make one (shown once), see when each was last used, revoke one."""
    form = TokenForm()
    if request.method == "POST":
        if "revoke" in request.POST:
            pk = request.POST["revoke"]
            token = selectors.token_of(request.user, int(pk)) if pk.isdigit() else None
            if token is None:
                raise Http404("No such token")
            services.api_token_revoke(actor=actor(request), token=token)
            messages.success(request, f"The token ‘{token.name}’ has been revoked: it no longer works.")
            return redirect("api:tokens")
        form = TokenForm(request.POST)
        if form.is_valid():
            try:
                _token, secret = services.api_token_create(
                    actor=actor(request), user=request.user, name=form.cleaned_data["name"]
                )
            except ValidationError as exc:
                form.add_error("name", exc.messages)
            else:
                request.session[SESSION_SECRET] = secret
                return redirect("api:tokens")
    shown = request.session.pop(SESSION_SECRET, None)
    return render(
        request,
        "api/tokens.html",
        {"form": form, "tokens": selectors.tokens_of(request.user), "secret": shown},
        status=400 if form.errors else 200,
    )


@core_access.signed_in
def docs(request: HttpRequest) -> HttpResponse:
    """The API's documentation, written from the OpenAPI schema: each register and its columns."""
    spec = schema.openapi()
    components = spec["components"]["schemas"]
    registers = []
    for register in selectors.registers():
        row = components.get(schema.camel(register.name), {})
        columns = [
            {"name": name, "type": _type_text(prop), "description": prop.get("description", "")}
            for name, prop in row.get("properties", {}).items()
        ]
        registers.append({"register": register, "columns": columns, "filters": listing.filter_params(register.spec)})
    return render(
        request,
        "api/docs.html",
        {
            "registers": registers,
            "programmes": selectors.programmes_of(request.user),
            "version": spec["info"]["version"],
            "page_size": listing.DEFAULT_PAGE_SIZE,
            "max_page_size": listing.MAX_PAGE_SIZE,
        },
    )


def _type_text(prop: dict[str, Any]) -> str:
    if "enum" in prop:
        return "one of " + ", ".join(f"“{v}”" for v in prop["enum"] if v)
    if prop.get("pattern") == schema.PLAN_DATE_PATTERN:
        return "date or TBD"
    if prop.get("format") == "date":
        return "date"
    kind = str(prop.get("type", ""))
    return {"integer": "whole number", "string": "text"}.get(kind, kind)
