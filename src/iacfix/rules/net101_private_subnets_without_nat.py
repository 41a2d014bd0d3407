"""NET101: private subnets that ECS or Lambda use have no way out: no NAT gateway, no route table."""

from __future__ import annotations


from iacfix.model import Edit
from iacfix.rule import FLAVOURS, Example, Rule
from iacfix.rulekit import provider_imports, schema
from iacfix.rulekit.scaffold import New, place, render, statement_indent, unique_label
from iacfix.rulekit.terraform_module import Module

MESSAGE = (
    "ECS tasks in private subnets cannot pull images: add a NAT gateway (EIP, NAT gateway in a public "
    "subnet, private route table 0.0.0.0/0 → NAT, associations) or VPC endpoints for ECR, logs and Secrets Manager"
)
NETWORK = ("aws_vpc", "aws_subnet", "aws_internet_gateway", "aws_route_table", "aws_route", "aws_route_table_association")
CLASSES = {"aws_eip": "Eip", "aws_nat_gateway": "NatGateway", "aws_route_table": "RouteTable", "aws_route": "Route",
           "aws_route_table_association": "RouteTableAssociation"}


# An example the rule reports without changing it (before and after alike).
REPORTED = """\
resource "aws_internet_gateway" "main" {
  vpc_id = aws_vpc.main.id
}

resource "aws_subnet" "private" {
  vpc_id = aws_vpc.main.id
}

resource "aws_ecs_service" "app" {
  name = "app"
}
"""


class Ambiguous(Exception):
    """The layout cannot be scaffolded safely: report instead."""


class PrivateSubnetsWithoutNat(Rule):
    """Private subnets that run ECS tasks or Lambda functions need a route out.

    What it does: in a project with an internet gateway, public subnets, ECS services whose
    tasks get no public IP, and private subnets (`map_public_ip_on_launch` false or absent,
    not named public), but no NAT gateway, no ECR VPC endpoint and no route table other than
    the ones routed to the internet gateway, it adds: an EIP (`domain = "vpc"`), a NAT gateway
    in the first public subnet, a private route table with a 0.0.0.0/0 route to the NAT
    gateway, and an association for every private subnet (Terraform: `count` / `for_each` as
    the subnets have; CDKTF: a loop over the array the subnets are pushed to), with the CDKTF
    imports they need (shared with PRV107). Databases and Lambda functions in a VPC deploy and
    run without the way out (a function that only talks to its database is common), so they
    do not raise it: only ECS tasks, which must pull their image, do.

    When the layout is not clear (no public subnet, several VPCs, subnets built in a way the
    rule cannot refer to, resources spread over files in CDKTF) it reports only.

    Why: a Fargate task in a subnet with no route to the internet cannot reach ECR, CloudWatch
    Logs or Secrets Manager: it fails with "CannotPullContainerError" and the service never
    becomes stable.

    Fix (unsafe, applied with --unsafe-fixes): the NAT scaffold. It costs money per hour; VPC
    endpoints for ECR (api, dkr), S3, logs and Secrets Manager are the alternative.
    """

    code = "NET101"
    name = "private-subnets-without-nat"
    flavours = FLAVOURS
    severity = "error"
    fix = "unsafe"
    seeds = ("001#1", "002#15")
    examples = [
        Example(
            "terraform",
            before="""\
resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_internet_gateway" "main" {
  vpc_id = aws_vpc.main.id
}

resource "aws_subnet" "public" {
  count                   = 2
  vpc_id                  = aws_vpc.main.id
  cidr_block              = cidrsubnet("10.0.0.0/16", 8, count.index)
  map_public_ip_on_launch = true
}

resource "aws_subnet" "private" {
  count      = 2
  vpc_id     = aws_vpc.main.id
  cidr_block = cidrsubnet("10.0.0.0/16", 8, count.index + 10)
}

resource "aws_ecs_service" "app" {
  name = "app"
}
""",
            after="""\
resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_internet_gateway" "main" {
  vpc_id = aws_vpc.main.id
}

resource "aws_subnet" "public" {
  count                   = 2
  vpc_id                  = aws_vpc.main.id
  cidr_block              = cidrsubnet("10.0.0.0/16", 8, count.index)
  map_public_ip_on_launch = true
}

resource "aws_subnet" "private" {
  count      = 2
  vpc_id     = aws_vpc.main.id
  cidr_block = cidrsubnet("10.0.0.0/16", 8, count.index + 10)
}

resource "aws_eip" "nat" {
  domain = "vpc"
}

resource "aws_nat_gateway" "nat" {
  allocation_id = aws_eip.nat.id
  subnet_id     = aws_subnet.public[0].id
  depends_on    = [aws_internet_gateway.main]
}

resource "aws_route_table" "private" {
  vpc_id = aws_vpc.main.id
}

resource "aws_route" "private_nat" {
  route_table_id         = aws_route_table.private.id
  destination_cidr_block = "0.0.0.0/0"
  nat_gateway_id         = aws_nat_gateway.nat.id
}

resource "aws_route_table_association" "private" {
  count          = length(aws_subnet.private)
  subnet_id      = aws_subnet.private[count.index].id
  route_table_id = aws_route_table.private.id
}

resource "aws_ecs_service" "app" {
  name = "app"
}
""",
        ),
        Example(
            "cdktf-ts",
            before="""\
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import { Subnet } from '@cdktf/provider-aws/lib/subnet';
import { InternetGateway } from '@cdktf/provider-aws/lib/internet-gateway';
import { EcsService } from '@cdktf/provider-aws/lib/ecs-service';

class Net {
  constructor() {
    const vpc = new Vpc(this, 'vpc', { cidrBlock: '10.0.0.0/16' });
    const igw = new InternetGateway(this, 'igw', { vpcId: vpc.id });
    const publicSubnet = new Subnet(this, 'public', { vpcId: vpc.id, cidrBlock: '10.0.1.0/24', mapPublicIpOnLaunch: true });
    const privateSubnets: Subnet[] = [];
    for (let i = 0; i < 2; i++) {
      const subnet = new Subnet(this, `private-${i}`, { vpcId: vpc.id, cidrBlock: `10.0.${i + 10}.0/24` });
      privateSubnets.push(subnet);
    }

    new EcsService(this, 'svc', { name: 'app' });
  }
}
""",
            after="""\
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import { Subnet } from '@cdktf/provider-aws/lib/subnet';
import { InternetGateway } from '@cdktf/provider-aws/lib/internet-gateway';
import { EcsService } from '@cdktf/provider-aws/lib/ecs-service';
import { Eip } from '@cdktf/provider-aws/lib/eip';
import { NatGateway } from '@cdktf/provider-aws/lib/nat-gateway';
import { RouteTable } from '@cdktf/provider-aws/lib/route-table';
import { Route } from '@cdktf/provider-aws/lib/route';
import { RouteTableAssociation } from '@cdktf/provider-aws/lib/route-table-association';

class Net {
  constructor() {
    const vpc = new Vpc(this, 'vpc', { cidrBlock: '10.0.0.0/16' });
    const igw = new InternetGateway(this, 'igw', { vpcId: vpc.id });
    const publicSubnet = new Subnet(this, 'public', { vpcId: vpc.id, cidrBlock: '10.0.1.0/24', mapPublicIpOnLaunch: true });
    const privateSubnets: Subnet[] = [];
    for (let i = 0; i < 2; i++) {
      const subnet = new Subnet(this, `private-${i}`, { vpcId: vpc.id, cidrBlock: `10.0.${i + 10}.0/24` });
      privateSubnets.push(subnet);
    }

    const natEip = new Eip(this, 'nat-eip', {
      domain: 'vpc',
    });

    const natGateway = new NatGateway(this, 'nat-gateway', {
      allocationId: natEip.id,
      subnetId: publicSubnet.id,
      dependsOn: [igw],
    });

    const privateRouteTable = new RouteTable(this, 'private-route-table', {
      vpcId: vpc.id,
    });

    new Route(this, 'private-nat-route', {
      routeTableId: privateRouteTable.id,
      destinationCidrBlock: '0.0.0.0/0',
      natGatewayId: natGateway.id,
    });

    privateSubnets.forEach((subnet, index) => {
      new RouteTableAssociation(this, `private-route-table-association-${index}`, {
        subnetId: subnet.id,
        routeTableId: privateRouteTable.id,
      });
    });

    new EcsService(this, 'svc', { name: 'app' });
  }
}
""",
        ),
        Example(
            "cdktf-py",
            before="""\
from cdktf_cdktf_provider_aws.vpc import Vpc
from cdktf_cdktf_provider_aws.subnet import Subnet
from cdktf_cdktf_provider_aws.internet_gateway import InternetGateway
from cdktf_cdktf_provider_aws.ecs_service import EcsService


class Net:
    def __init__(self):
        self.vpc = Vpc(self, "vpc", cidr_block="10.0.0.0/16")
        self.igw = InternetGateway(self, "igw", vpc_id=self.vpc.id)
        self.public_subnets = []
        self.private_subnets = []
        for i in range(2):
            public = Subnet(self, f"public-{i}", vpc_id=self.vpc.id, cidr_block=f"10.0.{i}.0/24", map_public_ip_on_launch=True)
            self.public_subnets.append(public)
            private = Subnet(self, f"private-{i}", vpc_id=self.vpc.id, cidr_block=f"10.0.{i + 10}.0/24")
            self.private_subnets.append(private)
        EcsService(self, "svc", name="app")
""",
            after="""\
from cdktf_cdktf_provider_aws.vpc import Vpc
from cdktf_cdktf_provider_aws.subnet import Subnet
from cdktf_cdktf_provider_aws.internet_gateway import InternetGateway
from cdktf_cdktf_provider_aws.ecs_service import EcsService
from cdktf_cdktf_provider_aws.eip import Eip
from cdktf_cdktf_provider_aws.nat_gateway import NatGateway
from cdktf_cdktf_provider_aws.route import Route
from cdktf_cdktf_provider_aws.route_table import RouteTable
from cdktf_cdktf_provider_aws.route_table_association import RouteTableAssociation


class Net:
    def __init__(self):
        self.vpc = Vpc(self, "vpc", cidr_block="10.0.0.0/16")
        self.igw = InternetGateway(self, "igw", vpc_id=self.vpc.id)
        self.public_subnets = []
        self.private_subnets = []
        for i in range(2):
            public = Subnet(self, f"public-{i}", vpc_id=self.vpc.id, cidr_block=f"10.0.{i}.0/24", map_public_ip_on_launch=True)
            self.public_subnets.append(public)
            private = Subnet(self, f"private-{i}", vpc_id=self.vpc.id, cidr_block=f"10.0.{i + 10}.0/24")
            self.private_subnets.append(private)

        nat_eip = Eip(
            self,
            "nat-eip",
            domain="vpc",
        )

        nat_gateway = NatGateway(
            self,
            "nat-gateway",
            allocation_id=nat_eip.id,
            subnet_id=self.public_subnets[0].id,
            depends_on=[self.igw],
        )

        private_route_table = RouteTable(
            self,
            "private-route-table",
            vpc_id=self.vpc.id,
        )

        Route(
            self,
            "private-nat-route",
            route_table_id=private_route_table.id,
            destination_cidr_block="0.0.0.0/0",
            nat_gateway_id=nat_gateway.id,
        )

        for index, subnet in enumerate(self.private_subnets):
            RouteTableAssociation(
                self,
                f"private-route-table-association-{index}",
                subnet_id=subnet.id,
                route_table_id=private_route_table.id,
            )
        EcsService(self, "svc", name="app")
""",
        ),
        # No public subnet to put a NAT gateway in: reported.
        Example(
            "terraform",
            before=REPORTED,
            after=REPORTED,
        ),
        # A NAT gateway, a private route table or no ECS/Lambda: silent.
        Example(
            "terraform",
            before="""\
resource "aws_internet_gateway" "main" {
  vpc_id = aws_vpc.main.id
}

resource "aws_subnet" "public" {
  map_public_ip_on_launch = true
}

resource "aws_subnet" "private" {
  vpc_id = aws_vpc.main.id
}

resource "aws_route_table" "private" {
  vpc_id = aws_vpc.main.id
}

resource "aws_ecs_service" "app" {
  name = "app"
}
""",
        ),
        Example(
            "terraform",
            before="""\
resource "aws_internet_gateway" "main" {
  vpc_id = aws_vpc.main.id
}

resource "aws_subnet" "public" {
  map_public_ip_on_launch = true
}

resource "aws_subnet" "private" {
  vpc_id = aws_vpc.main.id
}

resource "aws_db_instance" "db" {
  engine = "postgres"
}
""",
        ),
    ]

    def check(self, ctx):
        subnets = ctx.resources("aws_subnet")
        if not subnets or ctx.resources("aws_nat_gateway") or not ctx.resources("aws_internet_gateway"):
            return
        if any("ecr" in (e.attr_value("service_name").text if e.attr_value("service_name") else "") for e in ctx.resources("aws_vpc_endpoint")):
            return
        if not any(_in_private_subnets(ctx, s) for s in ctx.resources("aws_ecs_service")):
            return
        public = [s for s in subnets if _is_public(ctx, s)]
        private = [s for s in subnets if s not in public]
        if not private or _has_private_route_table(ctx):
            return
        try:
            if not public or len(ctx.resources("aws_vpc")) != 1:
                raise Ambiguous
            if private[0].language == "hcl":
                edits = _terraform(ctx, public, private)
            else:
                edits = _cdktf(ctx, public, private)
        except Ambiguous:
            yield self.finding(private[0], MESSAGE)
            return
        yield self.finding(
            private[0],
            "private subnets have no route out, so ECS tasks there cannot pull images: the fix adds an EIP, a "
            "NAT gateway in the first public subnet and a private route table routed through it",
            edits,
        )


def _in_private_subnets(ctx, service) -> bool:
    """An ECS service whose tasks get no public IP (Fargate's `assign_public_ip` is false by default)."""
    file = ctx.file(service.path)
    return not any(_true(file.entry(network, "assign_public_ip")) for network in service.blocks("network_configuration"))


def _true(prop) -> bool:
    return prop is not None and prop.value.kind == "bool" and bool(prop.value.value)


def _name(ctx, r) -> str:
    """What a subnet is called: HCL label, CDKTF id (its text when it is a template) and variable."""
    return " ".join(filter(None, [r.label or "", r.ref if r.language != "hcl" else ""]))


def _is_public(ctx, subnet) -> bool:
    flag = subnet.attr_value("map_public_ip_on_launch")
    if flag is not None and flag.kind == "bool":
        return bool(flag.value)
    return "public" in _name(ctx, subnet).lower()


def _has_private_route_table(ctx) -> bool:
    """A route table not routed to the internet gateway: the private subnets have their own."""
    to_igw = [r.attr_value("route_table_id").text for r in ctx.resources("aws_route")
              if "gateway_id" in r.attrs and r.attr_value("route_table_id")]
    for table in ctx.resources("aws_route_table"):
        file = ctx.file(table.path)
        if any(file.entry(route, "gateway_id") is not None for route in table.blocks("route")):
            continue
        if table.ref and any(table.ref in text for text in to_igw):
            continue
        return True
    return False


def _construction(ctx, r) -> dict:
    return next(c for c in ctx.file(r.path).view["constructions"] if (c["line"], c["col"]) == (r.line, r.col))


# -- Terraform -------------------------------------------------------------------------------------


def _terraform(ctx, public, private) -> list[Edit]:
    module = Module(ctx)
    vpc = ctx.resources("aws_vpc")[0]
    if "count" in vpc.attrs or "for_each" in vpc.attrs:
        raise Ambiguous
    labels = {tuple(d.block.labels) for d in module.blocks("resource")}

    def label(rtype, name):
        return unique_label(name, {n for t, n in labels if t == rtype})

    first = public[0]
    if "for_each" in first.attrs:
        first_id = f"values({first.ref})[0].id"
    else:
        first_id = f"{first.ref}[0].id" if "count" in first.attrs else f"{first.ref}.id"
    igw = ctx.resources("aws_internet_gateway")[0]
    eip = New("aws_eip", label("aws_eip", "nat"), [("domain", '"vpc"')])
    nat = New("aws_nat_gateway", label("aws_nat_gateway", "nat"),
              [("allocation_id", eip.ref("hcl")), ("subnet_id", first_id), ("depends_on", f"[{igw.ref}]")])
    table = New("aws_route_table", label("aws_route_table", "private"), [("vpc_id", f"{vpc.ref}.id")])
    route = New("aws_route", label("aws_route", "private_nat"), [
        ("route_table_id", table.ref("hcl")), ("destination_cidr_block", '"0.0.0.0/0"'), ("nat_gateway_id", nat.ref("hcl"))])
    items = [eip, nat, table, route]
    taken = {n for t, n in labels if t == "aws_route_table_association"}
    for subnet in private:
        name = unique_label("private" if len(private) == 1 else f"private_{subnet.name}", taken)
        taken.add(name)
        if "count" in subnet.attrs:
            attrs = [("count", f"length({subnet.ref})"), ("subnet_id", f"{subnet.ref}[count.index].id")]
        elif "for_each" in subnet.attrs:
            attrs = [("for_each", subnet.ref), ("subnet_id", "each.value.id")]
        else:
            attrs = [("subnet_id", f"{subnet.ref}.id")]
        items.append(New("aws_route_table_association", name, attrs + [("route_table_id", table.ref("hcl"))]))
    # after the last networking block of the file that holds the internet gateway
    file = ctx.file(igw.path)
    ends = [d.block.span[1] for d in module.blocks("resource") if d.file.path == file.path and d.block.labels[0] in NETWORK]
    at = max(ends)
    return [Edit(file.path, at, at, "\n\n" + render(file, items, "").rstrip("\n"))]


# -- CDKTF -----------------------------------------------------------------------------------------


def _collection(file, cons) -> tuple[str, bool]:
    """How code after the subnets' construction reaches them: (`publicSubnet`, False) for one
    built on its own, (`this.privateSubnets`, True) for the array they are pushed to in a loop."""
    var = cons.get("var")
    for call in file.view["calls"]:
        head, _, method = call["callee"].rpartition(".")
        if var and method in ("push", "append") and call["args"] and call["args"][0]["text"] == var:
            return head, True
    if var and not var.endswith("]"):
        return var, False
    raise Ambiguous


def _cdktf(ctx, public, private) -> list[Edit]:
    if schema.for_project(ctx) is None:
        raise Ambiguous  # the classes' imports would be the bundled provider's, not the pinned one's
    vpc, igw = ctx.resources("aws_vpc")[0], ctx.resources("aws_internet_gateway")[0]
    involved = [vpc, igw, *public, *private]
    file = ctx.file(vpc.path)
    conses = [_construction(ctx, r) for r in involved]
    if any(r.path != vpc.path for r in involved) or len({c["enclosing_function"] for c in conses}) != 1:
        raise Ambiguous
    lang = file.language
    vpc_cons = conses[0]
    if not vpc_cons.get("var"):
        raise Ambiguous
    attr = "id"
    first, many = _collection(file, _construction(ctx, public[0]))
    first_id = f"{first}[0].{attr}" if many else f"{first}.{attr}"
    refs, import_edits = provider_imports.references(file, list(CLASSES.values()))
    taken = set(file.view["identifier_counts"])

    def new(rtype, label, attrs, **kw):
        item = New(rtype, label, attrs, cls=refs[CLASSES[rtype]], **kw)
        while item.var(lang) in taken:
            item.label += "_2"
        taken.add(item.var(lang))
        return item

    eip = new("aws_eip", "nat_eip", [("domain", file.literal("vpc"))])
    nat_attrs = [("allocation_id", eip.ref(lang)), ("subnet_id", first_id)]
    igw_var = _construction(ctx, igw).get("var")
    if igw_var:
        nat_attrs.append(("depends_on", f"[{igw_var}]"))
    nat = new("aws_nat_gateway", "nat_gateway", nat_attrs)
    table = new("aws_route_table", "private_route_table", [("vpc_id", f"{vpc_cons['var']}.id")])
    route = new("aws_route", "private_nat_route", [
        ("route_table_id", table.ref(lang)), ("destination_cidr_block", file.literal("0.0.0.0/0")), ("nat_gateway_id", nat.ref(lang))],
        bare=True)
    items = [eip, nat, table, route]
    seen = set()
    for subnet in private:
        coll, many = _collection(file, _construction(ctx, subnet))
        if coll in seen:
            continue
        seen.add(coll)
        suffix = "" if len(seen) == 1 else f"_{len(seen)}"
        if many:
            item = New("aws_route_table_association", f"private_route_table_association{suffix}",
                       [("subnet_id", "subnet.id"), ("route_table_id", table.ref(lang))],
                       cls=refs["RouteTableAssociation"], each=(coll, "subnet", "index"))
        else:
            item = new("aws_route_table_association", f"private_route_table_association{suffix or '_1'}",
                       [("subnet_id", f"{coll}.id"), ("route_table_id", table.ref(lang))], bare=True)
        items.append(item)
    anchor = vpc_cons["span"][0]
    indent = statement_indent(file.text, anchor)
    # after everything the scaffold refers to: the subnets, and the loops that collect them
    ends = [c["span"][1] for c in conses]
    ends += [c["span"][1] for c in file.view["calls"] if c["callee"].rpartition(".")[2] in ("push", "append")
             and any(c["args"] and c["args"][0]["text"] == x.get("var") for x in conses)]
    at = place(file.text, max(ends), indent)
    scope = vpc_cons["args"][0]["text"]
    text = "\n\n" + render(file, items, indent, scope).rstrip("\n")
    return import_edits + [Edit(file.path, at, at, text)]
