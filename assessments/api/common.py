"""What the assessment API's modules share: the problem maps, the indicator-code URL
converter, the small reference serializers and the base views."""

from __future__ import annotations

from functools import cached_property

from django.urls import register_converter
from django.urls.converters import StringConverter
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import serializers
from rest_framework.filters import OrderingFilter
from rest_framework.request import Request
from rest_framework.response import Response

from assessments.methodology_schema import CODE_PATTERN
from assessments.models import Indicator
from assessments.models.methodology import HIGHEST_VALUE, LOWEST_VALUE
from labelling import selectors as labelling_selectors
from labelling.api import Authenticated, application_detail
from labelling.api_errors import ProblemSerializer
from labelling.models import Application, Organisation, User

#: What a write may be refused with: bad input, no credentials, the role, not visible, the state.
WRITE_PROBLEMS = dict.fromkeys((400, 401, 403, 404, 409), ProblemSerializer)
#: Refusals of a read that the services guard (e.g. the blind scores).
GUARDED_READ_PROBLEMS = dict.fromkeys((401, 403, 404), ProblemSerializer)
DECIMAL = {"max_digits": 14, "decimal_places": 2}
#: A value sent for an indicator: within every value type's range (the services check the
#: indicator's own), so that the schema says the bounds too.
VALUE_INPUT = {**DECIMAL, "min_value": LOWEST_VALUE, "max_value": HIGHEST_VALUE}


class IndicatorCodeConverter(StringConverter):
    """An indicator's code in a URL: only what a methodology accepts as a code reaches the
    database."""

    regex = CODE_PATTERN


register_converter(IndicatorCodeConverter, "indicator_code")


class PersonSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="__str__")
    country = serializers.CharField(source="country.code", help_text="ISO 3166-1 alpha-2")

    class Meta:
        model = User
        fields = ["id", "name", "country"]


class OrganisationRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = ["id", "name"]


class IndicatorRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Indicator
        fields = ["code", "title"]


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True, default="", help_text="Why; required.")


class OnApplication(Authenticated):
    """A resource of one application: the application is scoped to the caller first."""

    @cached_property
    def application(self) -> Application:
        return labelling_selectors.application_get(user=self.request.user, pk=self.kwargs["pk"])

    def application_detail(self) -> Response:
        """The application as ``GET /applications/{id}/`` gives it, read again after a
        transition."""
        return Response(application_detail(self.request, self.kwargs["pk"]))


class ListWithFilters:
    filter_backends = [DjangoFilterBackend, OrderingFilter]


def validated(
    serializer_class: type[serializers.Serializer], request: Request, **context: object
) -> dict:
    """The request's body checked by ``serializer_class`` (400 naming the fields otherwise)."""
    serializer = serializer_class(data=request.data, context={"request": request, **context})
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data
