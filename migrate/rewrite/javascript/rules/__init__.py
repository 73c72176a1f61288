"""The JS/TS rule implementations: each module has `run(module: JsModule, context: JsContext) -> RuleOutput`."""
