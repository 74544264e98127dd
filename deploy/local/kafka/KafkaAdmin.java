// Tiny Kafka Admin-API CLI for the local stack and integration tests (readiness, topics, offsets); runs against the broker's own jars.
//
// Usage (java -cp "<lib>/*[:<classes>]" KafkaAdmin ... or KafkaAdmin.java ...):
//   wait         <bootstrap> <timeout_ms>            exit 0 once the cluster reports a node
//   create       <bootstrap> <topic> <partitions> [<topic> <partitions>...]
//                                                    idempotent: an existing topic is fine
//   delete       <bootstrap> <topic>                 idempotent: a missing topic is fine
//   recreate     <bootstrap> <topic> <partitions>    delete, wait until gone, create (empties a topic)
//   list         <bootstrap>                         topic names, one per line
//   offsets      <bootstrap> <group> <topic>         "partition offset" per partition; -1 = nothing committed
//   end-offsets  <bootstrap> <topic>                 "partition offset" per partition (log end offset)
//
// Exit codes: 0 ok, 1 operation failed or timed out, 2 usage error.

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

public class KafkaAdmin {
    // Single calls must not hang a test forever if the broker vanishes mid-call.
    private static final long CALL_TIMEOUT_MS = 30_000;

    public static void main(String[] args) {
        if (args.length < 2) {
            usage();
        }
        String cmd = args[0];
        String bootstrap = args[1];
        int rc;
        try {
            switch (cmd) {
                case "wait" -> rc = waitReady(bootstrap, arg(args, 2, "timeout_ms"));
                case "create" -> rc = withAdmin(bootstrap, a -> {
                    // Extra "<topic> <partitions>" pairs share one JVM start (about a second each).
                    argStr(args, 2, "topic");
                    for (int i = 2; i < args.length; i += 2) {
                        create(a, args[i], (int) arg(args, i + 1, "partitions"));
                    }
                    return 0;
                });
                case "delete" -> rc = withAdmin(bootstrap, a -> delete(a, argStr(args, 2, "topic")));
                case "recreate" -> rc = withAdmin(bootstrap, a -> {
                    String topic = argStr(args, 2, "topic");
                    int parts = (int) arg(args, 3, "partitions");
                    delete(a, topic);
                    // Deletion is asynchronous in the controller; creating too early hits TopicExists.
                    long deadline = System.currentTimeMillis() + CALL_TIMEOUT_MS;
                    while (a.listTopics().names().get(CALL_TIMEOUT_MS, TimeUnit.MILLISECONDS).contains(topic)) {
                        if (System.currentTimeMillis() > deadline) {
                            throw new IllegalStateException("topic " + topic + " still present after delete");
                        }
                        Thread.sleep(100);
                    }
                    return createStrict(a, topic, parts);
                });
                case "list" -> rc = withAdmin(bootstrap, a -> {
                    new TreeSet<>(a.listTopics().names().get(CALL_TIMEOUT_MS, TimeUnit.MILLISECONDS))
                        .forEach(System.out::println);
                    return 0;
                });
                case "offsets" -> rc = withAdmin(bootstrap, a -> committed(a, argStr(args, 2, "group"), argStr(args, 3, "topic")));
                case "end-offsets" -> rc = withAdmin(bootstrap, a -> endOffsets(a, argStr(args, 2, "topic")));
                default -> { usage(); rc = 2; }
            }
        } catch (UsageError e) {
            System.err.println("KafkaAdmin: " + e.getMessage());
            rc = 2;
        } catch (Exception e) {
            Throwable c = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            System.err.println("KafkaAdmin " + cmd + ": " + c);
            rc = 1;
        }
        System.out.flush();
        // Admin threads are non-daemon in some versions; exit explicitly so a test never waits on them.
        System.exit(rc);
    }

    interface AdminOp {
        int run(Admin a) throws Exception;
    }

    static final class UsageError extends RuntimeException {
        UsageError(String m) { super(m); }
    }

    private static void usage() {
        System.err.println("usage: KafkaAdmin wait|create|delete|recreate|list|offsets|end-offsets <bootstrap> ...");
        System.exit(2);
    }

    private static String argStr(String[] a, int i, String what) {
        if (a.length <= i) {
            throw new UsageError("missing argument: " + what);
        }
        return a[i];
    }

    private static long arg(String[] a, int i, String what) {
        try {
            return Long.parseLong(argStr(a, i, what));
        } catch (NumberFormatException e) {
            throw new UsageError(what + " must be a number, got " + a[i]);
        }
    }

    private static Properties props(String bootstrap, long timeoutMs) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(AdminClientConfig.CLIENT_ID_CONFIG, "newsworker-local-admin");
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(timeoutMs, 15_000));
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeoutMs);
        // Reconnect quickly: "wait" polls a broker that is still starting.
        p.put(AdminClientConfig.RECONNECT_BACKOFF_MS_CONFIG, 100);
        p.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 500);
        return p;
    }

    private static int withAdmin(String bootstrap, AdminOp op) throws Exception {
        try (Admin a = Admin.create(props(bootstrap, CALL_TIMEOUT_MS))) {
            return op.run(a);
        }
    }

    private static int waitReady(String bootstrap, long timeoutMs) throws Exception {
        long deadline = System.currentTimeMillis() + timeoutMs;
        Throwable last = null;
        try (Admin a = Admin.create(props(bootstrap, Math.max(timeoutMs, 1000)))) {
            while (System.currentTimeMillis() < deadline) {
                long left = Math.max(deadline - System.currentTimeMillis(), 1);
                try {
                    Collection<?> nodes = a.describeCluster().nodes().get(Math.min(left, 5_000), TimeUnit.MILLISECONDS);
                    if (nodes.size() >= 1) {
                        return 0;
                    }
                } catch (Exception e) {
                    last = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
                }
                Thread.sleep(Math.min(200, Math.max(deadline - System.currentTimeMillis(), 0)));
            }
        }
        System.err.println("KafkaAdmin wait: no broker at " + bootstrap + " after " + timeoutMs + " ms"
            + (last != null ? " (last error: " + last + ")" : ""));
        return 1;
    }

    private static int create(Admin a, String topic, int partitions) throws Exception {
        try {
            createStrict(a, topic, partitions);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e;
            }
            // An existing topic with a different partition count would make tests
            // silently wrong, so say so (but do not fail: the caller asked for idempotence).
            int have = describe(a, topic).partitions().size();
            if (have != partitions) {
                System.err.println("KafkaAdmin create: " + topic + " exists with " + have
                    + " partitions (asked for " + partitions + ")");
            }
        }
        return 0;
    }

    private static int createStrict(Admin a, String topic, int partitions) throws Exception {
        a.createTopics(List.of(new NewTopic(topic, partitions, (short) 1)))
            .all().get(CALL_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        return 0;
    }

    private static int delete(Admin a, String topic) throws Exception {
        try {
            a.deleteTopics(List.of(topic)).all().get(CALL_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                throw e;
            }
        }
        return 0;
    }

    private static TopicDescription describe(Admin a, String topic) throws Exception {
        return a.describeTopics(List.of(topic)).allTopicNames()
            .get(CALL_TIMEOUT_MS, TimeUnit.MILLISECONDS).get(topic);
    }

    private static List<TopicPartition> partitionsOf(Admin a, String topic) throws Exception {
        List<TopicPartition> tps = new ArrayList<>();
        for (TopicPartitionInfo p : describe(a, topic).partitions()) {
            tps.add(new TopicPartition(topic, p.partition()));
        }
        return tps;
    }

    private static int committed(Admin a, String group, String topic) throws Exception {
        // Every partition of the topic gets a line, so a test can tell "nothing committed" (-1) from "missing".
        List<TopicPartition> tps = partitionsOf(a, topic);
        Map<TopicPartition, OffsetAndMetadata> got = a.listConsumerGroupOffsets(group)
            .partitionsToOffsetAndMetadata().get(CALL_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        TreeMap<Integer, Long> out = new TreeMap<>();
        for (TopicPartition tp : tps) {
            OffsetAndMetadata om = got.get(tp);
            out.put(tp.partition(), om == null ? -1L : om.offset());
        }
        out.forEach((p, o) -> System.out.println(p + " " + o));
        return 0;
    }

    private static int endOffsets(Admin a, String topic) throws Exception {
        Map<TopicPartition, OffsetSpec> req = new java.util.HashMap<>();
        for (TopicPartition tp : partitionsOf(a, topic)) {
            req.put(tp, OffsetSpec.latest());
        }
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> res =
            a.listOffsets(req).all().get(CALL_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        TreeMap<Integer, Long> out = new TreeMap<>();
        res.forEach((tp, info) -> out.put(tp.partition(), info.offset()));
        out.forEach((p, o) -> System.out.println(p + " " + o));
        return 0;
    }
}
