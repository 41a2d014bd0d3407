variable "aws_region" {
  description = "AWS region to deploy into"
  type        = string
  default     = "us-east-1"
}

variable "environment_suffix" {
  description = "Suffix appended to resource names so several environments can share an account"
  type        = string
  default     = "dev"
}

variable "vpc_cidr" {
  description = "CIDR block of the booking VPC"
  type        = string
  default     = "10.40.0.0/16"
}

variable "ecr_repository_url" {
  description = "ECR repository the pipeline pushes the booking API image to"
  type        = string
}

variable "redis_node_type" {
  description = "Instance type of the Redis cache nodes"
  type        = string
  default     = "cache.t4g.small"
}
