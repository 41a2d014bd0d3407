output "vpc_id" {
  description = "ID of the booking VPC"
  value       = aws_vpc.main.id
}

output "ecs_cluster_name" {
  description = "Name of the ECS cluster"
  value       = aws_ecs_cluster.main.name
}

output "app_service_name" {
  description = "Name of the booking API service"
  value       = aws_ecs_service.app.name
}

output "redis_primary_endpoint" {
  description = "Primary endpoint of the Redis replication group"
  value       = aws_elasticache_replication_group.redis.primary_endpoint_address
}

output "alb_dns_name" {
  description = "DNS name of the booking API load balancer"
  value       = aws_lb.app.dns_name
}

output "db_endpoint" {
  description = "Writer endpoint of the booking database"
  value       = aws_rds_cluster.main.endpoint
}

output "receipts_bucket" {
  description = "Bucket the API writes booking receipts to"
  value       = aws_s3_bucket.receipts.bucket
}
