package io.mailroom.local;

import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
@ConditionalOnClass(name = "com.icegreen.greenmail.util.GreenMail")
@Conditional(RelayHostMissingCondition.class)
@ConditionalOnProperty(name = "mailroom.local.capture-server", havingValue = "true", matchIfMissing = true)
class LocalCaptureConfiguration {

	@Bean(destroyMethod = "close")
	LocalCaptureServer localCaptureServer(LocalProperties local) {
		return new LocalCaptureServer(local.smtpPort());
	}

}
