// helm-render renders a Helm chart's templates the way `helm template` does,
// for charts that use Go templates, Sprig and Helm's include/tpl/required/
// toYaml. Helm itself is not packaged for Debian; this is built from
// Debian's golang-go, golang-github-masterminds-sprig-dev and
// golang-gopkg-yaml.v3-dev (see deploy/render-chart.sh). It covers what our
// chart uses, not all of Helm (no subcharts, hooks ordering, lookup, schemas).
//
// Usage: helm-render CHART_DIR [-f values.yaml]... [--set key.path=value]... [--release NAME] [--namespace NS]
package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"text/template"

	"github.com/Masterminds/sprig"
	"gopkg.in/yaml.v3"
)

func fail(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, "helm-render: "+format+"\n", args...)
	os.Exit(1)
}

func readYAML(path string) map[string]interface{} {
	data, err := os.ReadFile(path)
	if err != nil {
		fail("%v", err)
	}
	out := map[string]interface{}{}
	if err := yaml.Unmarshal(data, &out); err != nil {
		fail("%s: %v", path, err)
	}
	return out
}

func merge(dst, src map[string]interface{}) map[string]interface{} {
	for key, value := range src {
		if sub, ok := value.(map[string]interface{}); ok {
			if existing, ok := dst[key].(map[string]interface{}); ok {
				dst[key] = merge(existing, sub)
				continue
			}
		}
		dst[key] = value
	}
	return dst
}

func setPath(values map[string]interface{}, path string, raw string) {
	parts := strings.Split(path, ".")
	node := values
	for _, part := range parts[:len(parts)-1] {
		next, ok := node[part].(map[string]interface{})
		if !ok {
			next = map[string]interface{}{}
			node[part] = next
		}
		node = next
	}
	var value interface{} = raw
	if raw == "true" || raw == "false" {
		value = raw == "true"
	} else if n, err := strconv.Atoi(raw); err == nil {
		value = n
	}
	node[parts[len(parts)-1]] = value
}

func toYaml(value interface{}) string {
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(value); err != nil {
		return ""
	}
	return strings.TrimSuffix(buf.String(), "\n")
}

func main() {
	if len(os.Args) < 2 {
		fail("usage: helm-render CHART_DIR [-f values.yaml]... [--set k=v]... [--release NAME] [--namespace NS]")
	}
	chartDir := os.Args[1]
	release := "portcullis"
	namespace := "default"
	values := readYAML(filepath.Join(chartDir, "values.yaml"))
	args := os.Args[2:]
	for i := 0; i < len(args); i++ {
		switch args[i] {
		case "-f":
			i++
			values = merge(values, readYAML(args[i]))
		case "--set":
			i++
			kv := strings.SplitN(args[i], "=", 2)
			if len(kv) != 2 {
				fail("--set needs key=value")
			}
			setPath(values, kv[0], kv[1])
		case "--release":
			i++
			release = args[i]
		case "--namespace":
			i++
			namespace = args[i]
		default:
			fail("unknown argument %s", args[i])
		}
	}
	chart := readYAML(filepath.Join(chartDir, "Chart.yaml"))
	top := map[string]interface{}{
		"Values":  values,
		"Release": map[string]interface{}{"Name": release, "Namespace": namespace, "Service": "Helm", "Revision": 1, "IsInstall": true, "IsUpgrade": false},
		"Chart":   map[string]interface{}{"Name": chart["name"], "Version": chart["version"], "AppVersion": chart["appVersion"]},
		"Capabilities": map[string]interface{}{"KubeVersion": map[string]interface{}{"Version": "v1.30.0", "Major": "1", "Minor": "30"}},
	}

	root := template.New("chart").Option("missingkey=zero")
	funcs := sprig.TxtFuncMap()
	funcs["toYaml"] = toYaml
	funcs["required"] = func(message string, value interface{}) (interface{}, error) {
		if value == nil || value == "" {
			return nil, fmt.Errorf("%s", message)
		}
		return value, nil
	}
	funcs["include"] = func(name string, data interface{}) (string, error) {
		var buf bytes.Buffer
		err := root.ExecuteTemplate(&buf, name, data)
		return buf.String(), err
	}
	funcs["tpl"] = func(text string, data interface{}) (string, error) {
		t, err := root.Clone()
		if err != nil {
			return "", err
		}
		t, err = t.New("tpl").Parse(text)
		if err != nil {
			return "", err
		}
		var buf bytes.Buffer
		err = t.Execute(&buf, data)
		return buf.String(), err
	}
	root.Funcs(funcs)

	files, _ := filepath.Glob(filepath.Join(chartDir, "templates", "*"))
	sort.Strings(files)
	var renderable []string
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			fail("%v", err)
		}
		name := filepath.Base(file)
		if _, err := root.New(name).Parse(string(data)); err != nil {
			fail("%s: %v", name, err)
		}
		if !strings.HasPrefix(name, "_") && (strings.HasSuffix(name, ".yaml") || strings.HasSuffix(name, ".yml")) {
			renderable = append(renderable, name)
		}
	}
	for _, name := range renderable {
		var buf bytes.Buffer
		if err := root.ExecuteTemplate(&buf, name, top); err != nil {
			fail("%s: %v", name, err)
		}
		body := strings.TrimSpace(buf.String())
		if body == "" {
			continue
		}
		fmt.Printf("---\n# Source: %s/templates/%s\n%s\n", chart["name"], name, body)
	}
}
