"""The citizens' self-service pages (``/public``): a complaint or a suggestion becomes a work
order with channel web, and the order's progress can be looked up with its number and the
phone number given. Nothing else of PostLine is reachable from them (docs/self-service.md)."""
