/*
 * opt.c — option tables: each tool declares its options once (name, short
 * letter, argument, help) and gets getopt_long parsing and --help from it.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"

/* Print the synopsis and one line per option. */
void
opt_usage(FILE *f, const char *synopsis, const struct opt *table)
{
        const struct opt *o;
        char left[64];

        fprintf(f, "usage: %s %s\n", client_progname, synopsis);
        for (o = table; o->o_name != NULL; o++) {
                if (o->o_short != 0)
                        snprintf(left, sizeof left, "-%c, --%s%s%s", o->o_short, o->o_name,
                                 o->o_arg ? " " : "", o->o_arg ? o->o_arg : "");
                else
                        snprintf(left, sizeof left, "    --%s%s%s", o->o_name, o->o_arg ? " " : "",
                                 o->o_arg ? o->o_arg : "");
                if (strlen(left) > 28)
                        fprintf(f, "  %s\n  %-28s %s\n", left, "", o->o_help);
                else
                        fprintf(f, "  %-28s %s\n", left, o->o_help);
        }
        fprintf(f, "  %-28s %s\n", "-h, --help", "show this help");
}

/* Parse argv by table, calling fn for each option. */
int
opt_parse(int argc, char **argv, const struct opt *table, const char *synopsis, opt_fn fn,
          void *arg)
{
        struct option *lo;
        char shorts[128];
        size_t n = 0, i, k = 0;
        char *cause = NULL;
        int c, idx;

        while (table[n].o_name != NULL)
                n++;
        lo = nw_xcalloc(n + 2, sizeof *lo);
        k = 0;
        shorts[k++] = '+'; /* stop at the first operand, like POSIX */
        shorts[k++] = ':';
        for (i = 0; i < n; i++) {
                lo[i].name = table[i].o_name;
                lo[i].has_arg = table[i].o_arg ? required_argument : no_argument;
                lo[i].val = 256 + (int)i;
                if (table[i].o_short != 0 && k + 3 < sizeof shorts) {
                        shorts[k++] = (char)table[i].o_short;
                        if (table[i].o_arg)
                                shorts[k++] = ':';
                }
        }
        shorts[k++] = 'h';
        shorts[k] = '\0';
        lo[n].name = "help";
        lo[n].val = 'h';

        opterr = 0;
        optind = 1;
        while ((c = getopt_long(argc, argv, shorts, lo, &idx)) != -1) {
                const struct opt *o = NULL;

                if (c == 'h') {
                        opt_usage(stdout, synopsis, table);
                        free(lo);
                        exit(CLIENT_EXIT_OK);
                }
                if (c == '?' || c == ':') {
                        const char *bad = argv[optind - 1];

                        free(lo);
                        if (c == ':')
                                client_exitx(CLIENT_EXIT_USAGE,
                                             "option %s needs a value (see --help)", bad);
                        if (optopt != 0 && optopt < 256)
                                client_exitx(CLIENT_EXIT_USAGE, "unknown option -%c (see --help)",
                                             optopt);
                        client_exitx(CLIENT_EXIT_USAGE, "unknown option %s (see --help)", bad);
                }
                if (c >= 256)
                        o = &table[c - 256];
                else
                        for (i = 0; i < n; i++)
                                if (table[i].o_short == c)
                                        o = &table[i];
                if (o == NULL)
                        continue;
                if (fn(arg, o->o_key, optarg, &cause) != 0) {
                        free(lo);
                        client_exitx(CLIENT_EXIT_USAGE, "--%s: %s", o->o_name, cause);
                }
        }
        free(lo);
        return optind;
}

/* Add a string to a list. */
static void
opt_list_add(char ***list, size_t *n, const char *v)
{
        *list = nw_xrealloc(*list, (*n + 1) * sizeof **list);
        (*list)[(*n)++] = nw_xstrdup(v);
}

/* The shared options. */
int
opt_common(struct opt_common *oc, int key, const char *value, char **cause)
{
        double d;

        if (oc->oc_filter == NULL)
                oc->oc_filter = filter_new();
        switch (key) {
        case OPT_PUB:
                opt_list_add(&oc->oc_pubs, &oc->oc_npubs, value);
                return 1;
        case OPT_REPLAY:
                opt_list_add(&oc->oc_replays, &oc->oc_nreplays, value);
                return 1;
        case OPT_HB_TIMEOUT:
                if (client_parse_seconds(value, &oc->oc_hb_timeout, cause) != 0)
                        return -1;
                if (oc->oc_hb_timeout < 100)
                        return client_fail(cause, "at least 0.1 seconds");
                return 1;
        case OPT_WAIT:
                oc->oc_wait = true;
                return 1;
        case OPT_SERVER_KEY:
                free(oc->oc_server_key);
                oc->oc_server_key = nw_xstrdup(value);
                return 1;
        case OPT_CLIENT_KEY:
                free(oc->oc_client_key);
                oc->oc_client_key = nw_xstrdup(value);
                return 1;
        case OPT_TYPE:
                if (*value == '\0' || *value == '$')
                        return client_fail(cause, "'%s' is not a type prefix", value);
                filter_add_type(oc->oc_filter, value);
                return 1;
        case OPT_ENTITY:
                return filter_add_entity(oc->oc_filter, value, cause) == 0 ? 1 : -1;
        case OPT_RELATED:
                oc->oc_related = true;
                return 1;
        case OPT_MODALITY:
                return filter_add_modalities(oc->oc_filter, value, cause) == 0 ? 1 : -1;
        case OPT_MIN_CONFIDENCE:
                if (client_parse_double(value, 0, 1, &d, cause) != 0)
                        return -1;
                filter_set_min_confidence(oc->oc_filter, d);
                return 1;
        }
        return 0;
}

/* Apply the shared options to a subscriber. */
int
opt_common_apply(struct opt_common *oc, struct sub *s, char **cause)
{
        struct client_curve cc;
        size_t i;

        if (oc->oc_filter == NULL)
                oc->oc_filter = filter_new();
        if (oc->oc_related && filter_set_related(oc->oc_filter, NULL, cause) != 0)
                return -1;
        if (oc->oc_npubs == 0)
                opt_list_add(&oc->oc_pubs, &oc->oc_npubs,
                             client_env("NEWSWIRE_PUB", CLIENT_DEFAULT_PUB));
        if (oc->oc_nreplays == 0)
                opt_list_add(&oc->oc_replays, &oc->oc_nreplays,
                             client_env("NEWSWIRE_REPLAY", CLIENT_DEFAULT_REPLAY));
        if (oc->oc_nreplays != oc->oc_npubs)
                return client_fail(cause, "give one --replay per --pub (%zu --pub, %zu --replay)",
                                   oc->oc_npubs, oc->oc_nreplays);
        if (oc->oc_server_key == NULL && client_env("NEWSWIRE_SERVER_KEY", NULL) != NULL)
                oc->oc_server_key = nw_xstrdup(client_env("NEWSWIRE_SERVER_KEY", NULL));
        if (oc->oc_client_key == NULL && client_env("NEWSWIRE_CLIENT_KEY", NULL) != NULL)
                oc->oc_client_key = nw_xstrdup(client_env("NEWSWIRE_CLIENT_KEY", NULL));
        if (curve_load(&cc, oc->oc_server_key, oc->oc_client_key, cause) != 0)
                return -1;
        if (s == NULL)
                return 0;
        sub_set_curve(s, &cc);
        for (i = 0; i < oc->oc_npubs; i++)
                sub_add_endpoint(s, oc->oc_pubs[i], oc->oc_replays[i]);
        for (i = 0; i < filter_type_count(oc->oc_filter); i++)
                sub_add_prefix(s, filter_type(oc->oc_filter, i));
        if (oc->oc_hb_timeout > 0)
                sub_set_heartbeat_timeout(s, oc->oc_hb_timeout);
        sub_set_wait(s, oc->oc_wait);
        return 0;
}

/* Free what the shared options collected. */
void
opt_common_clear(struct opt_common *oc)
{
        size_t i;

        for (i = 0; i < oc->oc_npubs; i++)
                free(oc->oc_pubs[i]);
        for (i = 0; i < oc->oc_nreplays; i++)
                free(oc->oc_replays[i]);
        free(oc->oc_pubs);
        free(oc->oc_replays);
        free(oc->oc_server_key);
        free(oc->oc_client_key);
        filter_destroy(&oc->oc_filter);
        memset(oc, 0, sizeof *oc);
}
