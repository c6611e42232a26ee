def only_api_paths(endpoints, **kwargs):
    """Keep only the public API in the OpenAPI schema."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/v1/")]
