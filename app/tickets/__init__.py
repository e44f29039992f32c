"""Work orders (工单): what a caller asked for, routed to a department and followed until the
customer has had the answer."""
