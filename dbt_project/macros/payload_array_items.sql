{#-
    One row per element of the JSON array `$.<array>` in each submission's `payload`, from the
    relation `completions` (submission_id, payload): the element's position in
    `index_column` (0-based, a BIGINT to build `'$.<array>[' || i || ']...'` paths with). A
    submission without the array yields no row.
-#}
{% macro payload_array_items(completions, array, index_column) -%}
    select
        submission_id,
        payload,
        unnest(range(cast(coalesce(json_array_length(payload, '$.{{ array }}'), 0) as bigint)))
            as {{ index_column }}
    from {{ completions }}
{%- endmacro %}
