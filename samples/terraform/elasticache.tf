resource "aws_elasticache_subnet_group" "redis" {
  name        = "${local.name_prefix}-redis-subnets"
  description = "Subnets for the booking Redis cache"
  subnet_ids  = aws_subnet.private[*].id
  tags        = local.common_tags
}

resource "aws_elasticache_replication_group" "redis" {
  replication_group_id = "${local.name_prefix}-redis"
  description          = "Seat-hold and session cache for the booking API"
  engine               = "redis"
  engine_version       = "7.1"
  node_type            = var.redis_node_type
  num_cache_clusters   = 2
  port                 = 6379
  parameter_group_name = "default.redis7"
  subnet_group_name    = aws_elasticache_subnet_group.redis.name
  security_group_ids   = [aws_security_group.redis.id]

  automatic_failover_enabled = true
  multi_az_enabled           = true
  at_rest_encryption_enabled = true
  transit_encryption_enabled = true
  auto_minor_version_upgrade = true
  snapshot_retention_limit   = 3

  tags = merge(local.common_tags, { Name = "${local.name_prefix}-redis" })
}
