package guard.k8s;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.fabric8.kubernetes.api.model.AnyType;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import java.io.File;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DatabindException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.cfg.CoercionAction;
import tools.jackson.databind.cfg.CoercionInputShape;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.databind.type.LogicalType;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * Offline schema check of rendered Kubernetes manifests against the fabric8 Kubernetes model (the Java
 * types fabric8 generates from the Kubernetes OpenAPI): tests/k8s-validate.sh runs it on every render.
 *
 * <p>Usage: {@code SchemaCheck RENDER.yaml...}, one render per kustomize target, named like
 * k8s-validate.sh names them ({@code base.yaml}, {@code overlays_nas.yaml}). Per object:
 * <ul>
 *   <li>its apiVersion and kind must be a type of the model (CUSTOM_RESOURCES excepted, which
 *       k8s_validate.py checks field by field), and not one that Kubernetes has removed (REMOVED; the
 *       model keeps those) or an alpha version (off by default in a cluster);</li>
 *   <li>it deserializes into that type with no type coercion (a string where an integer or boolean
 *       belongs, a number or boolean where a string belongs, 2.5 for an integer, a scalar for a list or an
 *       object all fail, as they do in the API server);</li>
 *   <li>no field the type does not know: fabric8 keeps those in {@code additionalProperties} instead of
 *       failing, so the deserialized graph is walked and each one reported with its path (a misspelt
 *       field name, which the API server drops or rejects, is the case this catches).</li>
 * </ul>
 * Not checked: required fields, formats and value ranges, enums (the model has plain strings), anything
 * the API server's validation or admission would do beyond the types.
 * Prints one line per problem ({@code k8s-validate: TARGET: KIND NAME: PATH: what}) on stderr and exits 1
 * if there is any; otherwise one summary line on stdout.
 */
public final class SchemaCheck {

    /** Custom resources the model cannot know; tests/k8s_validate.py checks their fields. */
    static final Set<String> CUSTOM_RESOURCES = Set.of(
            "bitnami.com/v1alpha1 SealedSecret",
            "infinispan.org/v1 Infinispan",
            "infinispan.org/v2alpha1 Cache");

    /** apiVersion + kind that Kubernetes no longer serves (fabric8 still models them), with the release that removed them. */
    static final Map<String, String> REMOVED = new TreeMap<>();

    static {
        for (String kind : List.of("Deployment", "DaemonSet", "ReplicaSet", "NetworkPolicy", "PodSecurityPolicy")) {
            REMOVED.put("extensions/v1beta1 " + kind, "1.16");
        }
        REMOVED.put("extensions/v1beta1 Ingress", "1.22");
        for (String kind : List.of("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ControllerRevision")) {
            REMOVED.put("apps/v1beta1 " + kind, "1.16");
            REMOVED.put("apps/v1beta2 " + kind, "1.16");
        }
        REMOVED.put("networking.k8s.io/v1beta1 Ingress", "1.22");
        REMOVED.put("networking.k8s.io/v1beta1 IngressClass", "1.22");
        for (String kind : List.of("Role", "RoleBinding", "ClusterRole", "ClusterRoleBinding")) {
            REMOVED.put("rbac.authorization.k8s.io/v1beta1 " + kind, "1.22");
        }
        REMOVED.put("scheduling.k8s.io/v1beta1 PriorityClass", "1.22");
        REMOVED.put("storage.k8s.io/v1beta1 StorageClass", "1.22");
        REMOVED.put("storage.k8s.io/v1beta1 VolumeAttachment", "1.22");
        REMOVED.put("storage.k8s.io/v1beta1 CSIDriver", "1.22");
        REMOVED.put("storage.k8s.io/v1beta1 CSINode", "1.22");
        REMOVED.put("storage.k8s.io/v1beta1 CSIStorageCapacity", "1.27");
        REMOVED.put("apiextensions.k8s.io/v1beta1 CustomResourceDefinition", "1.22");
        REMOVED.put("admissionregistration.k8s.io/v1beta1 MutatingWebhookConfiguration", "1.22");
        REMOVED.put("admissionregistration.k8s.io/v1beta1 ValidatingWebhookConfiguration", "1.22");
        REMOVED.put("certificates.k8s.io/v1beta1 CertificateSigningRequest", "1.22");
        REMOVED.put("coordination.k8s.io/v1beta1 Lease", "1.22");
        REMOVED.put("batch/v1beta1 CronJob", "1.25");
        REMOVED.put("discovery.k8s.io/v1beta1 EndpointSlice", "1.25");
        REMOVED.put("events.k8s.io/v1beta1 Event", "1.25");
        REMOVED.put("policy/v1beta1 PodDisruptionBudget", "1.25");
        REMOVED.put("policy/v1beta1 PodSecurityPolicy", "1.25");
        REMOVED.put("node.k8s.io/v1beta1 RuntimeClass", "1.25");
        REMOVED.put("autoscaling/v2beta1 HorizontalPodAutoscaler", "1.25");
        REMOVED.put("autoscaling/v2beta2 HorizontalPodAutoscaler", "1.26");
        for (String kind : List.of("FlowSchema", "PriorityLevelConfiguration")) {
            REMOVED.put("flowcontrol.apiserver.k8s.io/v1beta1 " + kind, "1.26");
            REMOVED.put("flowcontrol.apiserver.k8s.io/v1beta2 " + kind, "1.29");
            REMOVED.put("flowcontrol.apiserver.k8s.io/v1beta3 " + kind, "1.32");
        }
    }

    private static final Pattern PLAIN_KEY = Pattern.compile("[A-Za-z_][A-Za-z0-9_-]*");
    private static final int MAX_TYPE_ERRORS_PER_OBJECT = 50;

    /**
     * One mapper for reading the YAML and for binding it to the model. Coercions the API server does not
     * make are turned off, so that a wrong scalar type fails instead of being converted.
     */
    private static final YAMLMapper MAPPER = YAMLMapper.builder()
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .disable(DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
            .withCoercionConfig(LogicalType.Textual, c -> c
                    .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
            .withCoercionConfig(LogicalType.Integer, c -> c
                    .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
            .withCoercionConfig(LogicalType.Boolean, c -> c
                    .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail))
            .build();

    private final List<String> problems = new ArrayList<>();
    private final Map<String, Integer> checkedKinds = new TreeMap<>();
    private int checked;
    private int customResources;

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            System.err.println("usage: SchemaCheck RENDER.yaml...");
            System.exit(2);
        }
        SchemaCheck check = new SchemaCheck();
        for (String arg : args) {
            check.checkRender(new File(arg));
        }
        for (String p : check.problems) {
            System.err.println("k8s-validate: " + p);
        }
        String model = "fabric8 Kubernetes model " + modelVersion();
        if (!check.problems.isEmpty()) {
            System.err.println("k8s-validate: schema: FAILED (" + check.problems.size() + " problem(s), " + model + ")");
            System.exit(1);
        }
        StringBuilder kinds = new StringBuilder();
        check.checkedKinds.forEach((k, n) -> kinds.append(kinds.isEmpty() ? "" : ", ").append(k).append(' ').append(n));
        System.out.println("k8s-validate: schema: OK (" + check.checked + " objects in " + args.length
                + " renders schema-checked against the " + model + ": " + kinds + "; " + check.customResources
                + " custom resources left to k8s_validate.py)");
    }

    static String modelVersion() {
        try (InputStream in = KubernetesResource.class.getResourceAsStream(
                "/META-INF/maven/io.fabric8/kubernetes-model-core/pom.properties")) {
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version");
        } catch (Exception e) {
            return "(version unknown)";
        }
    }

    void checkRender(File file) {
        String name = file.getName().replaceFirst("\\.ya?ml$", "");
        String target = name.startsWith("overlays_") ? "overlays/" + name.substring("overlays_".length()) : name;
        List<JsonNode> docs;
        try {
            docs = MAPPER.readerFor(JsonNode.class).<JsonNode>readValues(file).readAll();
        } catch (JacksonException e) {
            problems.add(target + ": not readable YAML: " + e.getOriginalMessage());
            return;
        }
        for (JsonNode doc : docs) {
            if (doc == null || doc.isNull() || doc.isMissingNode()) {
                continue;
            }
            checkObject(target, doc);
        }
    }

    void checkObject(String target, JsonNode doc) {
        String apiVersion = doc.path("apiVersion").asString("");
        String kind = doc.path("kind").asString("");
        String label = target + ": " + (kind.isEmpty() ? "(no kind)" : kind) + " "
                + doc.path("metadata").path("name").asString("(no name)");
        String type = apiVersion + " " + kind;
        if (!doc.isObject()) {
            problems.add(target + ": a document that is not an object");
            return;
        }
        if (apiVersion.isEmpty() || kind.isEmpty()) {
            // k8s_validate.py reports it too; without both the model type cannot be chosen.
            problems.add(label + ": no " + (apiVersion.isEmpty() ? "apiVersion" : "kind") + ", not schema-checked");
            return;
        }
        if (CUSTOM_RESOURCES.contains(type)) {
            customResources++;
            return;
        }
        if (REMOVED.containsKey(type)) {
            problems.add(label + ": " + type + " was removed in Kubernetes " + REMOVED.get(type)
                    + ": use the current apiVersion");
            return;
        }
        if (builtIn(apiVersion) && apiVersion.matches(".*/v\\d+alpha\\d+")) {
            problems.add(label + ": " + apiVersion + " is an alpha API, not served by a cluster unless enabled");
        }
        ObjectNode tree = ((ObjectNode) doc).deepCopy();
        KubernetesResource resource = null;
        for (int attempt = 0; attempt <= MAX_TYPE_ERRORS_PER_OBJECT; attempt++) {
            try {
                resource = MAPPER.treeToValue(tree, KubernetesResource.class);
                break;
            } catch (DatabindException e) {
                String path = path(e.getPath());
                problems.add(label + ": " + (path.isEmpty() ? "(object)" : path) + ": wrong type: " + describe(e));
                // Drop the offending value and bind again, so that every type error is reported in one run.
                if (!remove(tree, e.getPath())) {
                    break;
                }
            }
        }
        if (resource == null) {
            return;
        }
        if (resource instanceof GenericKubernetesResource) {
            problems.add(label + ": " + type + " is not a type of the fabric8 Kubernetes model " + modelVersion()
                    + " (a misspelt apiVersion or kind, or a custom resource this check does not know)");
            return;
        }
        checked++;
        checkedKinds.merge(kind, 1, Integer::sum);
        walk(label, "", resource);
    }

    /** Reports every non-empty additionalProperties in the deserialized graph, with its path. */
    void walk(String label, String path, Object value) {
        if (value == null || value instanceof AnyType) {
            return; // AnyType (IntOrString, RawExtension, ...) holds free-form values
        }
        if (value instanceof Map<?, ?> map) {
            map.forEach((k, v) -> walk(label, path + key(String.valueOf(k)), v));
            return;
        }
        if (value instanceof Collection<?> list) {
            int i = 0;
            for (Object item : list) {
                walk(label, path + "[" + i++ + "]", item);
            }
            return;
        }
        Class<?> type = value.getClass();
        if (!type.getName().startsWith("io.fabric8.") || type.isEnum()) {
            return;
        }
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                JsonProperty json = f.getAnnotation(JsonProperty.class);
                if (json == null || Modifier.isStatic(f.getModifiers())) {
                    continue;
                }
                try {
                    f.setAccessible(true);
                    String name = json.value().isEmpty() ? f.getName() : json.value();
                    walk(label, path + key(name), f.get(value));
                } catch (ReflectiveOperationException | RuntimeException e) {
                    problems.add(label + ": " + path + key(f.getName()) + ": cannot be inspected: " + e);
                }
            }
        }
        try {
            Method m = type.getMethod("getAdditionalProperties");
            if (m.invoke(value) instanceof Map<?, ?> unknown) {
                for (Object k : unknown.keySet()) {
                    problems.add(label + ": " + (path + key(String.valueOf(k))).substring(1) + ": unknown field");
                }
            }
        } catch (NoSuchMethodException e) {
            // a model type without additionalProperties: nothing unknown can hide in it
        } catch (ReflectiveOperationException e) {
            problems.add(label + ": " + path + ": additionalProperties cannot be read: " + e);
        }
    }

    /** The core group (v1) and the groups Kubernetes itself serves (no dot in the name, or *.k8s.io). */
    static boolean builtIn(String apiVersion) {
        int slash = apiVersion.indexOf('/');
        String group = slash < 0 ? "" : apiVersion.substring(0, slash);
        return !group.contains(".") || group.endsWith(".k8s.io");
    }

    static String key(String name) {
        return PLAIN_KEY.matcher(name).matches() ? "." + name : "[\"" + name + "\"]";
    }

    static String path(List<JacksonException.Reference> refs) {
        StringBuilder sb = new StringBuilder();
        for (JacksonException.Reference r : refs) {
            if (r.getPropertyName() != null) {
                sb.append(key(r.getPropertyName()));
            } else if (r.getIndex() >= 0) {
                sb.append('[').append(r.getIndex()).append(']');
            }
        }
        return sb.isEmpty() ? "" : sb.charAt(0) == '.' ? sb.substring(1) : sb.toString();
    }

    static String describe(DatabindException e) {
        String msg = e.getOriginalMessage().replace('`', '\'').replace("java.lang.", "").replace("java.util.", "");
        int cut = msg.indexOf('\n');
        msg = cut < 0 ? msg : msg.substring(0, cut);
        cut = msg.indexOf(" (but ");  // "(but might if coercion using 'CoercionConfig' was enabled)": it is not, on purpose
        return cut < 0 ? msg : msg.substring(0, cut);
    }

    /** Removes the value the path points at from the tree; false if it cannot be found. */
    static boolean remove(JsonNode root, List<JacksonException.Reference> refs) {
        if (refs.isEmpty()) {
            return false;
        }
        JsonNode node = root;
        for (int i = 0; i < refs.size() - 1; i++) {
            node = child(node, refs.get(i));
            if (node == null) {
                return false;
            }
        }
        JacksonException.Reference last = refs.get(refs.size() - 1);
        if (last.getPropertyName() != null && node instanceof ObjectNode o && o.has(last.getPropertyName())) {
            o.remove(last.getPropertyName());
            return true;
        }
        if (last.getIndex() >= 0 && node instanceof ArrayNode a && last.getIndex() < a.size()) {
            a.remove(last.getIndex());
            return true;
        }
        return false;
    }

    private static JsonNode child(JsonNode node, JacksonException.Reference r) {
        if (r.getPropertyName() != null && node instanceof ObjectNode o) {
            return o.get(r.getPropertyName());
        }
        if (r.getIndex() >= 0 && node instanceof ArrayNode a) {
            return a.get(r.getIndex());
        }
        return null;
    }
}
