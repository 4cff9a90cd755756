"""The HTTP layer: blueprints per URL family, the request pipeline and response shaping."""
