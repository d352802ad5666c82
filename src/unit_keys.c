/* unit_keys.c — which keys wick knows in each section: those it acts on,
 * and those of systemd it reads without effect (`wick cat
 * --unsupported`). Any other key is unknown and warned about. */
#include <stdbool.h>
#include <string.h>

#include "unit.h"

/* Word lists read better filled than one per line. */
/* clang-format off */
static const char *const socket_used[] = {
	"ListenStream", "ListenDatagram", "ListenSequentialPacket", "Accept",
	"Service", "SocketMode", "DirectoryMode", "Backlog", "BindIPv6Only",
	"ReusePort", "FreeBind", "FileDescriptorName", "MaxConnections",
	"MaxConnectionsPerSource", "TriggerLimitIntervalSec",
	"TriggerLimitBurst", "RemoveOnStop", "ReceiveBuffer", "SendBuffer",
	NULL};

static const char *const socket_ignored[] = {
	"ListenFIFO", "ListenSpecial", "ListenNetlink", "ListenMessageQueue",
	"ListenUSBFunction", "SocketProtocol", "BindToDevice", "SocketUser",
	"SocketGroup", "KeepAlive", "KeepAliveTimeSec", "KeepAliveIntervalSec",
	"KeepAliveProbes", "NoDelay", "Priority", "DeferAcceptSec",
	"IPTOS", "IPTTL", "Mark", "PipeSize",
	"SmackLabel", "SmackLabelIPIn", "SmackLabelIPOut",
	"SELinuxContextFromNet", "MessageQueueMaxMessages",
	"MessageQueueMessageSize", "Transparent", "Broadcast",
	"PassCredentials", "PassSecurity", "PassPacketInfo", "Timestamping",
	"TCPCongestion", "ExecStartPre", "ExecStartPost", "ExecStopPre",
	"ExecStopPost", "TimeoutSec", "Symlinks", "Writable", "FlushPending",
	"PollLimitIntervalSec", "PollLimitBurst", NULL};

static const char *const service_used[] = {
	"Type", "ExecStartPre", "ExecStart", "ExecStop", "ExecStopPost",
	"Environment", "EnvironmentFile", "WorkingDirectory", "Restart",
	"RestartSec", "TimeoutStartSec", "TimeoutStopSec", "TimeoutSec",
	"KillMode", "KillSignal", "NotifyAccess", "PrivateNetwork",
	"RestrictAddressFamilies", "NoNewPrivileges", "DynamicUser", NULL};

static const char *const service_ignored[] = {
	"User", "Group", "SupplementaryGroups", "RemainAfterExit",
	"GuessMainPID", "PIDFile", "BusName", "ExecReload", "ExecCondition",
	"ExecStartPost", "RestartPreventExitStatus", "RestartForceExitStatus",
	"SuccessExitStatus", "Delegate", "Slice", "StandardInput",
	"StandardOutput", "StandardError", "SyslogIdentifier", "UMask", "Nice",
	"PrivateTmp", "PrivateDevices", "PrivateUsers", "ProtectSystem",
	"ProtectHome", "ReadWritePaths", "ReadOnlyPaths", "InaccessiblePaths",
	"CapabilityBoundingSet", "AmbientCapabilities", "MemoryMax",
	"MemoryHigh", "CPUQuota", "TasksMax", "WatchdogSec", "OOMScoreAdjust",
	"RuntimeDirectory", "RuntimeDirectoryMode", "StateDirectory",
	"CacheDirectory", "LogsDirectory", "ConfigurationDirectory",
	"SendSIGKILL", "SendSIGHUP", "FinalKillSignal", "TimeoutAbortSec",
	"RuntimeMaxSec", "FileDescriptorStoreMax", "Sockets",
	"ProtectKernelTunables", "ProtectKernelModules",
	"ProtectControlGroups", "ProtectClock", "ProtectHostname",
	"ProtectKernelLogs", "ProtectProc", "ProcSubset", "LockPersonality",
	"MemoryDenyWriteExecute", "RestrictRealtime", "RestrictNamespaces",
	"RestrictSUIDSGID", "SystemCallFilter", "SystemCallArchitectures",
	"SystemCallErrorNumber", "IPAddressDeny", "IPAddressAllow",
	"DeviceAllow", "DevicePolicy", "KeyringMode", "PAMName", "TTYPath",
	"LoadCredential", "SetCredential", "LimitNOFILE", "LimitNPROC",
	"LimitCORE", "LimitMEMLOCK", "LimitAS", "CPUWeight", "IOWeight",
	"RootDirectory", "RootImage", "BindPaths", "BindReadOnlyPaths",
	"OOMPolicy", "ExitType", NULL};

static const char *const unit_ignored[] = {
	"Documentation", "Requires", "Requisite", "Wants",
	"BindsTo", "PartOf", "Upholds", "Conflicts", "Before", "After",
	"OnFailure", "OnSuccess", "PropagatesReloadTo",
	"ReloadPropagatedFrom", "JoinsNamespaceOf", "RequiresMountsFor",
	"OnFailureJobMode", "IgnoreOnIsolate", "StopWhenUnneeded",
	"RefuseManualStart", "RefuseManualStop", "AllowIsolate",
	"DefaultDependencies", "CollectMode", "FailureAction",
	"SuccessAction", "JobTimeoutSec", "JobRunningTimeoutSec",
	"JobTimeoutAction", "StartLimitIntervalSec", "StartLimitBurst",
	"StartLimitAction", "RebootArgument", "SourcePath", NULL};

static const char *const install_ignored[] = {
	"Alias", "WantedBy", "RequiredBy", "Also", "DefaultInstance", NULL};

/* clang-format on */

static bool in(const char *const *list, const char *key)
{
	for (; *list; list++)
		if (!strcmp(*list, key))
			return true;
	return false;
}

static enum unit_key_kind kind_of(const char *const *used,
				  const char *const *ignored, const char *key)
{
	if (used && in(used, key))
		return KEY_USED;
	if (ignored && in(ignored, key))
		return KEY_IGNORED;
	return KEY_UNKNOWN;
}

enum unit_key_kind unit_key_kind(const char *suffix, const char *section,
				 const char *key, bool *words)
{
	*words = !strncmp(key, "Exec", 4) || !strcmp(key, "Environment");
	if (!strcmp(section, "Unit")) {
		if (!strncmp(key, "Condition", 9) || !strncmp(key, "Assert", 6))
			return KEY_IGNORED;
		if (!strcmp(key, "Description"))
			return KEY_USED; /* shown by `wick status` */
		return kind_of(NULL, unit_ignored, key);
	}
	if (!strcmp(section, "Install"))
		return kind_of(NULL, install_ignored, key);
	if (!strcmp(section, "Socket") && !strcmp(suffix, "socket"))
		return kind_of(socket_used, socket_ignored, key);
	if (!strcmp(section, "Service") && !strcmp(suffix, "service"))
		return kind_of(service_used, service_ignored, key);
	return KEY_UNKNOWN;
}
