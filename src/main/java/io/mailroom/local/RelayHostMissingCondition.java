package io.mailroom.local;

import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.util.StringUtils;

class RelayHostMissingCondition implements Condition {

	@Override
	public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
		return !StringUtils.hasText(context.getEnvironment().getProperty("mailroom.relay.host"))
				&& !"mx".equalsIgnoreCase(context.getEnvironment().getProperty("mailroom.relay.mode", "smarthost"));
	}

}
