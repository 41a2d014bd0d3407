"""APIGW101: a Lambda-proxy API a browser calls, with no CORS preflight."""

from __future__ import annotations

import re

from iacfix.rule import FLAVOURS, Example, Rule

# The code means browsers to call the API: a handler or a method response sets the CORS header.
BROWSER = re.compile(r"(?i)access-control-allow-origin")


def _may_answer_preflight(method) -> bool:
    """An OPTIONS or ANY method, or one the code computes that may be either: what it is built
    from (`method.method ?? 'ANY'`, `each.value` over its `for_each`) names OPTIONS or ANY, or
    names no method at all (a variable)."""
    value = method.attr_value("http_method")
    if value is None:
        return False
    if value.kind == "string":
        return value.value.upper() in ("OPTIONS", "ANY")
    source = value.text
    if "each." in source and method.attr_value("for_each") is not None:
        source += " " + method.attr_value("for_each").text
    words = set(re.findall(r"[A-Za-z]+", source))
    if words & {"OPTIONS", "ANY"}:
        return True
    return not words & {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"}


def _string(resource, name):
    value = resource.attr_value(name)
    return value.value if value is not None and value.kind == "string" else None


# Reported and left as they are: each is `before` and `after` of an example.
HCL_REPORTED = """\
resource "aws_api_gateway_rest_api" "api" {
  name = "courses"
}

resource "aws_api_gateway_integration" "get" {
  rest_api_id = aws_api_gateway_rest_api.api.id
  http_method = "GET"
  type        = "AWS_PROXY"
}

resource "aws_api_gateway_method_response" "get" {
  rest_api_id = aws_api_gateway_rest_api.api.id
  http_method = "GET"
  status_code = "200"
  response_parameters = {
    "method.response.header.Access-Control-Allow-Origin" = true
  }
}
"""

TS_REPORTED = """\
import { ApiGatewayRestApi } from '@cdktf/provider-aws/lib/api-gateway-rest-api';
import { ApiGatewayIntegration } from '@cdktf/provider-aws/lib/api-gateway-integration';
const api = new ApiGatewayRestApi(this, 'api', { name: 'courses' });
new ApiGatewayIntegration(this, 'get', {
  restApiId: api.id,
  httpMethod: 'GET',
  type: 'AWS_PROXY',
  uri: fn.invokeArn,
});
const handler = `exports.handler = async () => ({ headers: { 'Access-Control-Allow-Origin': '*' } });`;
"""

PY_REPORTED = """\
from cdktf_cdktf_provider_aws.apigatewayv2_api import Apigatewayv2Api
from cdktf_cdktf_provider_aws.apigatewayv2_integration import Apigatewayv2Integration

api = Apigatewayv2Api(self, "api", name="courses", protocol_type="HTTP")
Apigatewayv2Integration(self, "fn", api_id=api.id, integration_type="AWS_PROXY", integration_uri=fn.invoke_arn)
HANDLER = 'return {"headers": {"Access-Control-Allow-Origin": "*"}}'
"""


class ApiGatewayWithoutCors(Rule):
    """A Lambda-proxy REST or HTTP API written for a browser has no CORS preflight.

    What it does: reports, once per API, an `aws_api_gateway_rest_api` with a Lambda proxy
    integration (`type = "AWS_PROXY"`) when no `aws_api_gateway_method` of the project
    answers `OPTIONS` (or `ANY`, which passes the preflight to the Lambda, or a method the code
    computes, which may be either), and an HTTP API (`aws_apigatewayv2_api`, protocol HTTP) with
    a Lambda proxy integration and no `cors_configuration` — but only when the code shows the API is
    meant for browsers: something sets `Access-Control-Allow-Origin` (usually the Lambda's
    response). A REST API defined by an OpenAPI `body` is left alone (CORS may be in it).

    Why: for a cross-origin request with a JSON body or an Authorization header the browser
    first sends an OPTIONS preflight. With no OPTIONS method API Gateway answers 403 without
    CORS headers, the browser blocks the real request, and the header the Lambda sets never
    matters. Server-to-server callers are not affected, hence the browser condition.

    Not fixed: the allowed origins, methods and headers are the application's. REST API: add
    an `OPTIONS` method (authorization NONE) on each resource with a MOCK integration and
    method/integration responses returning Access-Control-Allow-Origin/-Methods/-Headers.
    HTTP API: add `cors_configuration { allow_origins = [...] ... }`.
    """

    code = "APIGW101"
    name = "api-gateway-without-cors"
    flavours = FLAVOURS
    fix = "none"
    seeds = ("004#11",)
    examples = [
        Example("cdktf-ts", TS_REPORTED, TS_REPORTED),  # reported, unchanged
        Example("cdktf-py", PY_REPORTED, PY_REPORTED),  # reported, unchanged
        Example("terraform", HCL_REPORTED, HCL_REPORTED),  # reported, unchanged
        Example(  # the preflight is there
            "terraform",
            before=HCL_REPORTED
            + """
resource "aws_api_gateway_method" "options" {
  rest_api_id   = aws_api_gateway_rest_api.api.id
  http_method   = "OPTIONS"
  authorization = "NONE"
}
""",
        ),
        Example(  # ANY on a proxy resource: the Lambda receives the preflight and answers it
            "cdktf-ts",
            before="import { ApiGatewayMethod } from '@cdktf/provider-aws/lib/api-gateway-method';\n"
            + TS_REPORTED
            + """new ApiGatewayMethod(this, 'any', { restApiId: api.id, httpMethod: 'ANY', authorization: 'NONE' });
""",
        ),
        Example(  # a method the code computes may be ANY or OPTIONS: not a finding
            "cdktf-ts",
            before="import { ApiGatewayMethod } from '@cdktf/provider-aws/lib/api-gateway-method';\n"
            + TS_REPORTED
            + """new ApiGatewayMethod(this, 'm', { restApiId: api.id, httpMethod: method ?? 'ANY', authorization: 'NONE' });
""",
        ),
        Example(  # no browser in sight: a service-to-service API
            "terraform",
            before="""\
resource "aws_api_gateway_rest_api" "api" {
  name = "ingest"
}

resource "aws_api_gateway_integration" "post" {
  rest_api_id = aws_api_gateway_rest_api.api.id
  type        = "AWS_PROXY"
}
""",
        ),
    ]

    def check(self, ctx):
        apis = ctx.resources("aws_api_gateway_rest_api", "aws_apigatewayv2_api")
        if not apis or not any(BROWSER.search(f.text) for f in ctx.files()):
            return
        proxies = [r for r in ctx.resources("aws_api_gateway_integration") if _string(r, "type") == "AWS_PROXY"]
        # an ANY method hands OPTIONS to the Lambda too, which can answer the preflight itself
        preflight = any(_may_answer_preflight(m) for m in ctx.resources("aws_api_gateway_method"))
        for api in ctx.resources("aws_api_gateway_rest_api"):
            if preflight or "body" in api.attrs or not any(self._of(api, p, "rest_api_id") for p in proxies):
                continue
            yield self.finding(
                api,
                f"REST API `{api.name or api.ref}` serves Lambda proxies to a browser (the code sets "
                "Access-Control-Allow-Origin) but has no OPTIONS method, so preflight requests fail; add an OPTIONS "
                "method with a MOCK integration returning the Access-Control-Allow-* headers",
            )
        http_proxies = [
            r for r in ctx.resources("aws_apigatewayv2_integration") if _string(r, "integration_type") == "AWS_PROXY"
        ]
        for api in ctx.resources("aws_apigatewayv2_api"):
            if _string(api, "protocol_type") != "HTTP" or "cors_configuration" in api.attrs:
                continue
            if "body" in api.attrs or not any(self._of(api, p, "api_id") for p in http_proxies):
                continue
            cors = ctx.file(api.path).attr_key("cors_configuration")
            yield self.finding(
                api,
                f"HTTP API `{api.name or api.ref}` serves Lambda proxies to a browser (the code sets "
                f"Access-Control-Allow-Origin) but has no {cors}, so preflight requests fail; add "
                f"{cors} with the allowed origins, methods and headers",
            )

    @staticmethod
    def _of(api, integration, key) -> bool:
        """Whether the integration belongs to the API (any, when either cannot be told)."""
        value = integration.attr_value(key)
        if value is None or not api.ref:
            return True
        return re.search(rf"(?<![\w.]){re.escape(api.ref)}\.id\b", value.text) is not None or "." not in value.text
