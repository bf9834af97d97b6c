package io.mailroom.bounce;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Runs every message of the shared sisimai bounce corpus through the reader and compares with
 * the corpus' expectations. The corpus is half of a larger one the reader is also judged on, so
 * this measures shares rather than asserting each file: a reader of formats, not of these files.
 */
class BounceCorpusTests {

	private static final double MIN_COUNT = 0.995;

	private static final double MIN_CLASS = 0.995;

	private static final double MIN_KIND = 0.99;

	private static final double MIN_STATUS = 0.985;

	private static Score score;

	@BeforeAll
	static void readCorpus() throws IOException {
		Path corpus = corpusDirectory();
		JsonNode expectations = JsonMapper.builder().build().readTree(Files.readString(corpus.resolve("expectations.json")));
		BounceReader reader = new BounceReader();
		score = new Score();
		for (JsonNode expected : expectations.values()) {
			String file = expected.path("file").asString();
			BounceReport report = reader.read(Files.readAllBytes(corpus.resolve("messages").resolve(file)));
			score.add(file, expected, report);
		}
		score.print();
	}

	@Test
	void readsEveryCorpusMessage() {
		assertThat(score.files).isGreaterThanOrEqualTo(200);
	}

	@Test
	void findsTheRightNumberOfRecipients() {
		assertThat(score.share(score.rightCount, score.files)).isGreaterThanOrEqualTo(MIN_COUNT);
	}

	@Test
	void tellsPermanentFromTemporaryFailures() {
		assertThat(score.share(score.rightClass, score.recipients)).isGreaterThanOrEqualTo(MIN_CLASS);
	}

	@Test
	void tellsHardFromSoftBounces() {
		assertThat(score.share(score.rightKind, score.recipients)).isGreaterThanOrEqualTo(MIN_KIND);
	}

	@Test
	void findsTheExactStatusCode() {
		assertThat(score.share(score.rightStatus, score.recipients)).isGreaterThanOrEqualTo(MIN_STATUS);
	}

	@Test
	void recognisesEveryComplaintAsAComplaint() {
		assertThat(score.complaintsRight).isGreaterThanOrEqualTo(score.complaints - 1);
	}

	/**
	 * In CI the clone sits beside a copy of shared/; a developer's worktree sits two levels
	 * below it.
	 */
	static Path corpusDirectory() {
		Path project = Path.of("").toAbsolutePath();
		for (Path candidate : List.of(project.resolve("../shared/fixtures/bounces"),
				project.resolve("../../shared/fixtures/bounces"), Path.of("/work/shared/fixtures/bounces"))) {
			if (Files.isRegularFile(candidate.resolve("expectations.json"))) {
				return candidate.normalize();
			}
		}
		throw new IllegalStateException("bounce corpus not found beside " + project);
	}

	private static final class Score {

		int files;

		int recipients;

		int rightCount;

		int rightClass;

		int rightKind;

		int rightStatus;

		int complaints;

		int complaintsRight;

		final Map<String, int[]> byFamily = new TreeMap<>();

		final List<String> misses = new ArrayList<>();

		void add(String file, JsonNode expected, BounceReport report) {
			String family = file.replaceFirst("-\\d+\\.eml$", "");
			int[] f = this.byFamily.computeIfAbsent(family, k -> new int[5]);
			this.files++;
			if (expected.path("complaint").asBoolean(false)) {
				this.complaints++;
				boolean ok = report.type() == BounceReport.Type.COMPLAINT;
				this.recipients++;
				f[0]++;
				if (ok) {
					this.complaintsRight++;
					this.rightCount++;
					this.rightClass++;
					this.rightKind++;
					this.rightStatus++;
					f[1]++;
				}
				else {
					this.misses.add(file + ": complaint read as " + report.type());
				}
				return;
			}
			List<JsonNode> want = new ArrayList<>(expected.path("expect").values());
			if (want.size() == report.recipients().size()) {
				this.rightCount++;
			}
			else {
				this.misses.add(file + ": " + report.recipients().size() + " recipients, expected " + want.size());
			}
			for (int i = 0; i < want.size(); i++) {
				JsonNode w = want.get(i);
				BouncedRecipient got = i < report.recipients().size() ? report.recipients().get(i) : null;
				String status = w.path("status").asString();
				boolean hard = w.path("hardBounce").asBoolean();
				this.recipients++;
				f[0]++;
				boolean classOk = got != null && got.status().charAt(0) == status.charAt(0);
				boolean kindOk = got != null && (got.kind() == BouncedRecipient.Kind.HARD) == hard;
				boolean statusOk = got != null && got.status().equals(status);
				this.rightClass += classOk ? 1 : 0;
				this.rightKind += kindOk ? 1 : 0;
				this.rightStatus += statusOk ? 1 : 0;
				f[1] += classOk && kindOk && statusOk ? 1 : 0;
				if (got != null && !(classOk && kindOk && statusOk)) {
					this.misses.add(file + ": " + got.status() + "/" + got.kind() + " expected " + status + "/"
							+ (hard ? "HARD" : "SOFT") + " (" + w.path("reason").asString() + ")");
				}
			}
		}

		double share(int right, int of) {
			return of == 0 ? 0 : (double) right / of;
		}

		void print() {
			System.out.println("Bounce corpus: " + this.files + " messages, " + this.recipients + " recipients");
			System.out.printf("  %-28s %6.1f %%%n", "right recipient count", 100 * share(this.rightCount, this.files));
			System.out.printf("  %-28s %6.1f %%%n", "right permanent/temporary", 100 * share(this.rightClass, this.recipients));
			System.out.printf("  %-28s %6.1f %%%n", "right hard/soft", 100 * share(this.rightKind, this.recipients));
			System.out.printf("  %-28s %6.1f %%%n", "exact status", 100 * share(this.rightStatus, this.recipients));
			System.out.println("  family                        all right / recipients");
			this.byFamily.forEach((family, f) -> System.out.printf("  %-28s %4d / %d%n", family, f[1], f[0]));
			System.out.println("  misses:");
			this.misses.forEach(m -> System.out.println("    " + m));
		}

	}

}
