package io.mailroom.security;

import java.net.http.HttpRequest;
import java.security.MessageDigest;
import java.time.Duration;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import io.mailroom.common.Ids;
import io.mailroom.support.Api;
import io.mailroom.support.MailroomTest;
import io.mailroom.support.Payloads;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code /api-keys}: keys are shown once, stored hashed, work at once, and stop working when revoked. */
@MailroomTest
class ApiKeyTests {

	@LocalServerPort
	int port;

	@Autowired
	JdbcClient jdbc;

	Api api;

	@BeforeEach
	void setUp() {
		api = new Api(port);
	}

	@Test
	void aCreatedKeyIsShownOnceAndStoredOnlyAsASaltedHash() throws Exception {
		Api.Response created = api.post("/api-keys", "{\"name\": \"shop\", \"mode\": \"live\"}");

		assertThat(created.status()).isEqualTo(201);
		String id = created.json().get("id").asString();
		String key = created.json().get("key").asString();
		assertThat(id).startsWith("key_");
		assertThat(created.header("Location")).isEqualTo("/api-keys/" + id);
		assertThat(created.json().get("name").asString()).isEqualTo("shop");
		assertThat(created.json().get("mode").asString()).isEqualTo("live");
		assertThat(created.json().get("createdAt").asString()).isNotBlank();
		assertThat(key).matches("mr_[a-z0-9]{12}\\.[A-Za-z0-9_-]{43}");

		Map<String, Object> row = jdbc.sql("select lookup_id, salt, key_hash from api_key where id = ?")
			.param(Ids.parse("key", id))
			.query()
			.singleRow();
		assertThat(key).startsWith("mr_" + row.get("lookup_id") + ".");
		MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
		sha256.update((byte[]) row.get("salt"));
		assertThat((byte[]) row.get("key_hash")).isEqualTo(sha256.digest(key.getBytes(StandardCharsets.UTF_8)));
		String secret = key.substring(key.indexOf('.') + 1);
		assertThat(jdbc.sql("select count(*) from api_key where name like ? or lookup_id like ?")
			.params("%" + secret + "%", "%" + secret + "%")
			.query(Integer.class)
			.single()).isZero();
	}

	@Test
	void theListShowsKeysWithoutSecretsOrHashes() {
		Api.Response created = api.post("/api-keys", "{\"name\": \"listed\", \"mode\": \"test\"}");
		String key = created.json().get("key").asString();

		Api.Response list = api.get("/api-keys");

		assertThat(list.status()).isEqualTo(200);
		JsonNode listed = find(list.json(), created.json().get("id").asString());
		assertThat(listed.get("name").asString()).isEqualTo("listed");
		assertThat(listed.get("mode").asString()).isEqualTo("test");
		assertThat(listed.get("prefix").asString()).isEqualTo(key.substring(0, key.indexOf('.')));
		assertThat(listed.has("key")).isFalse();
		assertThat(list.body()).doesNotContain(key.substring(key.indexOf('.') + 1))
			.doesNotContainIgnoringCase("hash")
			.doesNotContainIgnoringCase("salt");
	}

	@Test
	void aLiveKeyAuthenticatesAndARevokedKeyGets401() {
		String id = create("to-revoke", "live").get("id").asString();
		String key = create("other", "live").get("key").asString();
		String revokedKey = keyOf(id);

		assertThat(as(revokedKey).status()).isEqualTo(200);
		assertThat(as(key).status()).isEqualTo(200);

		Api.Response revoked = api.delete("/api-keys/" + id);
		assertThat(revoked.status()).isEqualTo(204);

		Api.Response after = as(revokedKey);
		assertThat(after.status()).isEqualTo(401);
		assertThat(after.json().get("type").asString()).isEqualTo("urn:mailroom:problem:unauthorized");
		assertThat(as(key).status()).isEqualTo(200);
		assertThat(find(api.get("/api-keys").json(), id)).isNull();
		assertThat(api.delete("/api-keys/" + id).status()).isEqualTo(404);
	}

	/**
	 * A checked key is trusted for {@code mailroom.api-key-cache-ttl} (5 s) without a query; a
	 * revocation by another instance (here: straight in the database) takes effect after it.
	 */
	@Test
	void aKeyRevokedElsewhereStopsWorkingWithinTheCacheTtl() {
		String id = create("elsewhere", "live").get("id").asString();
		String key = keyOf(id);
		assertThat(as(key).status()).isEqualTo(200);

		jdbc.sql("update api_key set revoked_at = now() where id = ?").param(Ids.parse("key", id)).update();

		assertThat(as(key).status()).as("still trusted from the cache").isEqualTo(200);
		String wrongSecret = key.substring(0, key.indexOf('.') + 1) + "x".repeat(43);
		assertThat(as(wrongSecret).status()).as("a cached lookup id does not accept another secret").isEqualTo(401);
		Awaitility.await()
			.atMost(Duration.ofSeconds(15))
			.pollInterval(Duration.ofMillis(250))
			.untilAsserted(() -> assertThat(as(key).status()).isEqualTo(401));
	}

	@Test
	void aTestKeyAuthenticatesAndItsMessagesAreMarkedTest() {
		String key = create("sandbox", "test").get("key").asString();

		Api.Response accepted = api.send(api.request("/messages")
			.setHeader("Authorization", "Bearer " + key)
			.POST(HttpRequest.BodyPublishers.ofString(Payloads.orderConfirmation("sandboxed@example.com")))
			.header("Content-Type", "application/json")
			.build());

		assertThat(accepted.status()).isEqualTo(202);
		JsonNode message = api.get("/messages/" + accepted.json().get("id").asString()).json();
		assertThat(message.get("test").asBoolean()).isTrue();
		assertThat(message.get("events").get(0).get("data").get("test").asBoolean()).isTrue();
	}

	@Test
	void aTestKeyCannotManageKeys() {
		String key = create("sandbox-admin", "test").get("key").asString();
		for (HttpRequest request : List.of(
				api.request("/api-keys").setHeader("Authorization", "Bearer " + key).GET().build(),
				api.request("/api-keys")
					.setHeader("Authorization", "Bearer " + key)
					.POST(HttpRequest.BodyPublishers.ofString("{\"name\": \"escalate\", \"mode\": \"live\"}"))
					.header("Content-Type", "application/json")
					.build())) {
			Api.Response response = api.send(request);
			assertThat(response.status()).isEqualTo(403);
			assertThat(response.json().get("type").asString()).isEqualTo("urn:mailroom:problem:forbidden");
		}
		assertThat(jdbc.sql("select count(*) from api_key where name = 'escalate'").query(Integer.class).single()).isZero();
	}

	@Test
	void invalidKeyRequestsAre400() {
		for (String body : List.of("{\"name\": \"x\", \"mode\": \"prod\"}", "{\"name\": \"x\"}",
				"{\"name\": \" \", \"mode\": \"live\"}", "{\"mode\": \"live\"}",
				"{\"name\": \"" + "n".repeat(101) + "\", \"mode\": \"live\"}")) {
			Api.Response response = api.post("/api-keys", body);
			assertThat(response.status()).as(body).isEqualTo(400);
			assertThat(response.json().get("type").asString()).isEqualTo("urn:mailroom:problem:validation");
			assertThat(response.json().get("errors")).isNotEmpty();
		}
		Api.Response unknownField = api.post("/api-keys", "{\"name\": \"x\", \"mode\": \"live\", \"admin\": true}");
		assertThat(unknownField.status()).isEqualTo(400);
		assertThat(unknownField.json().get("errors").get(0).get("field").asString()).isEqualTo("admin");
	}

	@Test
	void revokingAnUnknownKeyIsNotFound() {
		assertThat(api.delete("/api-keys/key_0000000000007000800000000000dead").status()).isEqualTo(404);
		assertThat(api.delete("/api-keys/whatever").status()).isEqualTo(404);
	}

	@Test
	void aKeyWithAValidLookupButAWrongSecretGets401() {
		String key = create("guessed", "live").get("key").asString();
		String forged = key.substring(0, key.indexOf('.') + 1) + "A".repeat(43);
		assertThat(as(forged).status()).isEqualTo(401);
	}

	private final Map<String, String> keysById = new java.util.HashMap<>();

	private JsonNode create(String name, String mode) {
		Api.Response created = api.post("/api-keys", "{\"name\": \"" + name + "\", \"mode\": \"" + mode + "\"}");
		assertThat(created.status()).isEqualTo(201);
		keysById.put(created.json().get("id").asString(), created.json().get("key").asString());
		return created.json();
	}

	private String keyOf(String id) {
		return keysById.get(id);
	}

	private Api.Response as(String key) {
		return api.send(api.request("/messages?limit=1").setHeader("Authorization", "Bearer " + key).GET().build());
	}

	private static JsonNode find(JsonNode list, String id) {
		for (JsonNode key : list) {
			if (key.get("id").asString().equals(id)) {
				return key;
			}
		}
		return null;
	}

}
